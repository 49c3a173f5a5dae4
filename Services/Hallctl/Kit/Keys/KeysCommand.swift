import ArgumentParser
import Foundation
package import HallAuth

struct KeysCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys",
    abstract: "Manage the deployment's token signing key and its TLS certificates.",
    subcommands: [Generate.self, Authority.self, Certificate.self])

  struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create an Ed25519 key pair: signing.key (keep secret) and signing.pub.",
      discussion: """
        Services verify tokens with signing.pub (HALL_TOKEN_PUBLIC_KEY_FILE); only whoever
        mints tokens needs signing.key. An existing key is never overwritten.
        """)

    @Option(help: "Folder to write the two files into.") var out: String

    func run() throws {
      let folder = URL(fileURLWithPath: out)
      let privatePath = folder.appendingPathComponent("signing.key").path
      let publicPath = folder.appendingPathComponent("signing.pub").path
      guard !FileManager.default.fileExists(atPath: privatePath) else {
        throw ValidationError("\(privatePath) exists; refusing to replace a deployment's key")
      }
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      let privateKey = SigningKeyFile.generatePrivateKey()
      guard
        FileManager.default.createFile(
          atPath: privatePath, contents: Data(privateKey.utf8),
          attributes: [.posixPermissions: 0o600])
      else { throw ValidationError("cannot write \(privatePath)") }
      try SigningKeyFile.publicKeyBase64(ofPrivate: privateKey)
        .write(toFile: publicPath, atomically: true, encoding: .utf8)
      Output.line("wrote \(privatePath) and \(publicPath)")
    }
  }
}

struct TokenCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "token", abstract: "Mint bearer tokens for staff, applicants and services.",
    subcommands: [Mint.self])

  struct Mint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a signed token for one person (or service) in one role.")

    @Option(help: "The deployment's private key file (signing.key).") var key: String

    @Option(help: "Deployment name; services accept only tokens it issued.")
    var deployment: String = "local"

    @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
    var role: String

    @Option(help: "Who: staff number, applicant id or service name.") var subject: String

    @Option(help: "Department the caller acts for.") var department: String?

    @Option(help: "Region code (GB/T 2260) of the caller's hall or deployment.") var region: String?

    @Option(help: "Hall the caller works in (clerks).") var hall: String?

    @Option(help: "Lifetime in hours.") var hours: Double = 8

    func run() throws {
      guard let role = Role(rawValue: role) else {
        throw ValidationError(
          "unknown role \(role); one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      let maximum = TokenVerifier.maximumLifetime / 3600
      guard hours > 0, hours <= maximum else {
        throw ValidationError("--hours must be above 0 and at most \(Int(maximum)) (31 days)")
      }
      for claim in TokenClaims.required(by: role) {
        let value = claim == "hall" ? hall : department
        guard let value, !value.isEmpty else {
          throw ValidationError(
            "a \(role.rawValue) token needs --\(claim == "hall" ? "hall" : "department")")
        }
      }
      let signer = try TokenSigner(keyFile: key, deployment: deployment)
      let principal = Principal(
        subject: subject, role: role, departmentID: department, regionCode: region, hallID: hall)
      Output.line(try signer.mint(principal, lifetime: hours * 3600))
    }
  }
}

extension TokenSigner {
  /// The deployment's signer, from its private key file (signing.key): whoever mints tokens
  /// for it, an operator or the demonstration day, reads the key the same way.
  package init(keyFile: String, deployment: String) throws {
    let keyText = try String(contentsOfFile: keyFile, encoding: .utf8)
    self.init(privateKey: try SigningKeyFile.privateKey(base64: keyText), issuer: deployment)
  }
}
