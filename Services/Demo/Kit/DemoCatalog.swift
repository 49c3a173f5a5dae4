import ArgumentParser
import Foundation
import HallContracts
import HallctlKit
import SwiftProtobuf

/// `hall-demo load-catalog`: the demonstration catalog published through the catalog's
/// contract.
struct LoadCatalogCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "load-catalog",
    abstract: "Publish the demonstration catalog (departments, lists, items, bundles).",
    discussion: """
      Every call carries a request id derived from the record's code, so running it again \
      changes nothing. Needs a catalog_admin token.
      """)

  @OptionGroup var connection: CatalogConnection

  @Option(help: "The demonstration file.")
  var file = "deploy/demo/catalog.json"

  func run() async throws {
    let demo = try DemoCatalog(contentsOf: file)
    try await connection.with { catalog in
      Output.line(try await demo.load(into: catalog))
    }
  }
}

/// The demonstration catalog file (deploy/demo/catalog.json): each record in protobuf's
/// JSON mapping of the contract, loaded through the public API as an integrator would.
struct DemoCatalog {
  /// An item or a bundle: its code, its specification, and the note its publication gives.
  struct Entry<Spec: SwiftProtobuf.Message> {
    var code: String
    var spec: Spec
    var reasonNote: String
  }

  var departments: [Department] = []
  var certificates: [CatalogCertificate] = []
  var intermediaries: [IntermediaryService] = []
  var items: [Entry<ItemSpec>] = []
  var bundles: [Entry<BundleSpec>] = []

  init(contentsOf path: String) throws {
    let file = try DemoFile(path: path)
    departments = try file.records("departments").map { try file.message($0, "department") }
    certificates = try file.records("certificates").map { try file.message($0, "certificate") }
    intermediaries = try file.records("intermediaryServices").map {
      try file.message($0, "intermediary service")
    }
    items = try file.entries("items", "item")
    bundles = try file.entries("bundles", "bundle")
  }

  /// Creates and publishes everything; request ids come from the codes, so a second run
  /// returns the first answers and writes nothing.
  func load(into catalog: CatalogServiceClient) async throws -> String {
    for department in departments {
      _ = try await catalog.createDepartment(
        .keyed("demo-department-\(department.id)") { $0.department = department })
    }
    for certificate in certificates {
      _ = try await catalog.createCertificate(
        .keyed("demo-certificate-\(certificate.id)") { $0.certificate = certificate })
    }
    for entry in intermediaries {
      _ = try await catalog.createIntermediaryService(
        .keyed("demo-intermediary-\(entry.id)") { $0.intermediaryService = entry })
    }
    for item in items {
      _ = try await catalog.createItem(item.creation("item"))
      _ = try await catalog.publishItem(item.publication("item"))
    }
    for bundle in bundles {
      _ = try await catalog.createBundle(bundle.creation("bundle"))
      _ = try await catalog.publishBundle(bundle.publication("bundle"))
    }
    return
      "loaded \(departments.count) departments, \(certificates.count) certificates, \(intermediaries.count) intermediary services, \(items.count) items, \(bundles.count) bundles"
  }
}

extension DemoCatalog.Entry {
  /// Creating the draft, keyed by the code.
  func creation<Request: CreateRequest>(_ kind: String) -> Request where Request.Spec == Spec {
    .keyed("demo-\(kind)-\(code)") {
      $0.code = code
      $0.spec = spec
    }
  }

  /// Publishing it as new, keyed by the code.
  func publication<Request: PublishRequest>(_ kind: String) -> Request {
    .keyed("demo-publish-\(kind)-\(code)") {
      $0.code = code
      $0.reason = .new
      $0.reasonNote = reasonNote
    }
  }
}

/// Items and bundles are created the same way, each with its own kind of specification.
protocol CreateRequest: KeyedRequest {
  associatedtype Spec
  var code: String { get set }
  var spec: Spec { get set }
}

/// Items and bundles are published the same way.
protocol PublishRequest: KeyedRequest {
  var code: String { get set }
  var reason: ChangeReason { get set }
  var reasonNote: String { get set }
}

extension CreateItemRequest: CreateRequest {}
extension CreateBundleRequest: CreateRequest {}
extension PublishItemRequest: PublishRequest {}
extension PublishBundleRequest: PublishRequest {}

// Catalog records keyed by their ids.
extension CreateDepartmentRequest: KeyedRequest {}
extension CreateCertificateRequest: KeyedRequest {}
extension CreateIntermediaryServiceRequest: KeyedRequest {}

/// The file as JSON: its lists, and each record read as a contract message.
private struct DemoFile {
  let path: String
  let root: [String: Any]

  init(path: String) throws {
    self.path = path
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw DemoError("\(path) is not a JSON object")
    }
    self.root = root
  }

  func records(_ key: String) throws -> [[String: Any]] {
    guard let list = root[key] as? [[String: Any]] else {
      throw DemoError("\(path) has no list \"\(key)\"")
    }
    return list
  }

  func message<M: SwiftProtobuf.Message>(_ object: Any, _ what: String) throws -> M {
    do {
      return try M(jsonUTF8Data: try JSONSerialization.data(withJSONObject: object))
    } catch {
      throw DemoError("\(what) in \(path): \(error)")
    }
  }

  /// Items or bundles: each a code, a spec, and the publication's note when it has one.
  func entries<Spec>(_ key: String, _ kind: String) throws -> [DemoCatalog.Entry<Spec>] {
    try records(key).map { record in
      guard let code = record["code"] as? String, let spec = record["spec"] else {
        throw DemoError("\(kind == "item" ? "an" : "a") \(kind) in \(path) lacks code or spec")
      }
      return DemoCatalog.Entry(
        code: code, spec: try message(spec, "\(kind) \(code)"),
        reasonNote: record["reasonNote"] as? String ?? "新增（演示数据）")
    }
  }
}

struct DemoError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
