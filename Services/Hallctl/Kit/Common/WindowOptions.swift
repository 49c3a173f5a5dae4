import ArgumentParser

/// A rating mark and a supervisor's manual entry both say at which hall and window the thing
/// was seen, with the same flags.
struct WindowOptions: ParsableArguments {
  @Option(help: "Hall id.") var hall = ""

  @Option(help: "Window id.") var window = ""
}

/// A mark and a manual entry name the hall and window in fields of the same names.
protocol WindowPlaced {
  var hallID: String { get set }
  var windowID: String { get set }
}

extension WindowPlaced {
  mutating func place(at given: WindowOptions) {
    hallID = given.hall
    windowID = given.window
  }
}
