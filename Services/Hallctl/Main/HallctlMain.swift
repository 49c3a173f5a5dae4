import ArgumentParser
import HallctlKit

/// The executable stays this thin so that every command can run inside a test process.
@main
enum HallctlMain {
  static func main() async {
    await Hallctl.main()
  }
}
