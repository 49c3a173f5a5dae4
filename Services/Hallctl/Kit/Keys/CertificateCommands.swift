import ArgumentParser
import Foundation
import HallAuth

extension KeysCommand {
  /// `hallctl keys authority`: the deployment's private certificate authority (SEC-4).
  struct Authority: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create the deployment's certificate authority: ca.pem and ca.key (keep secret).",
      discussion: """
        Services, their links and hallctl trust only certificates it signed (HALL_TLS_CA_FILE, \
        HALL_CA_FILE). An existing authority is never overwritten.

        Example: hallctl keys authority --out /etc/hall/tls --name "Hualong district hall CA"
        """)

    @Option(help: "Folder to write the two files into.") var out: String

    @Option(help: "The authority's name.") var name = "hall deployment CA"

    @Option(help: "Days it is valid (1 to 3650).") var days = 1825

    func validate() throws {
      guard (1...3650).contains(days) else { throw ValidationError("--days is 1 to 3650") }
    }

    func run() throws {
      let folder = URL(fileURLWithPath: out)
      let authority = try CertificateAuthority.create(name: name, days: days, now: Date())
      try PrivateFiles.write(
        [("ca.pem", try authority.certificatePEM, 0o644), ("ca.key", authority.keyPEM, 0o600)],
        into: folder)
    }
  }

  /// `hallctl keys certificate`: one holder's certificate, signed by the authority.
  struct Certificate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Issue a certificate signed by the deployment's authority: NAME.pem and NAME.key.",
      discussion: """
        One certificate serves both ends of a connection: a service's listener and its links \
        to its peers, or a client when the services require client certificates. Issuing \
        again replaces the holder's files, which the service reloads within \
        HALL_TLS_RELOAD_SECONDS.

        Example: hallctl keys certificate --authority /etc/hall/tls --name intake \\
          --host intake.hall.svc --host localhost --host 127.0.0.1
        """)

    @Option(help: "Folder holding ca.pem and ca.key.") var authority: String

    @Option(help: "The holder: a service's or a client's name (the files' names too).")
    var name: String

    @Option(help: "A DNS name or IP address it answers on (repeatable).") var host: [String] = []

    @Option(help: "Days it is valid (1 to 825).") var days = 397

    @Option(help: "Folder to write into (default: the authority's).") var out: String?

    func validate() throws {
      guard (1...825).contains(days) else { throw ValidationError("--days is 1 to 825") }
      guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
      else { throw ValidationError("--name is letters, digits, '-', '_' and '.': \(name)") }
    }

    func run() throws {
      let folder = URL(fileURLWithPath: authority)
      let signer = try CertificateAuthority(
        certificatePEM: String(
          contentsOf: folder.appendingPathComponent("ca.pem"), encoding: .utf8),
        keyPEM: String(contentsOf: folder.appendingPathComponent("ca.key"), encoding: .utf8))
      let issued = try signer.issue(name: name, hosts: host, days: days, now: Date())
      try PrivateFiles.write(
        [("\(name).pem", issued.certificatePEM, 0o644), ("\(name).key", issued.keyPEM, 0o600)],
        into: out.map { URL(fileURLWithPath: $0) } ?? folder, replacing: true)
    }
  }
}

/// Files written with their permissions from the start, so that a key is never readable by
/// others even for a moment.
enum PrivateFiles {
  static func write(
    _ files: [(name: String, contents: String, mode: Int)], into folder: URL,
    replacing: Bool = false
  ) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let paths = files.map { folder.appendingPathComponent($0.name).path }
    if !replacing, let existing = paths.first(where: FileManager.default.fileExists) {
      throw ValidationError("\(existing) exists; refusing to replace it")
    }
    for (file, path) in zip(files, paths) {
      // Written beside and renamed over, so that a service reloading never reads half a file.
      let staging = path + ".new"
      try? FileManager.default.removeItem(atPath: staging)
      guard
        FileManager.default.createFile(
          atPath: staging, contents: Data(file.contents.utf8),
          attributes: [.posixPermissions: file.mode])
      else { throw ValidationError("cannot write \(staging)") }
      guard rename(staging, path) == 0 else { throw ValidationError("cannot write \(path)") }
      Output.line("wrote \(path)")
    }
  }
}
