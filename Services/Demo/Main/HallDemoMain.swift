import ArgumentParser
import DemoKit

/// The executable stays this thin so that every command can run inside a test process.
@main
enum HallDemoMain {
  static func main() async {
    await HallDemo.main()
  }
}
