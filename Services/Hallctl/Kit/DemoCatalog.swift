import Foundation
import HallContracts
import SwiftProtobuf

/// The demonstration catalog file (deploy/demo/catalog.json): each record in protobuf's
/// JSON mapping of the contract, loaded through the public API as an integrator would.
struct DemoCatalog {
  struct Entry<Spec> {
    var code: String
    var spec: Spec
    var reasonNote: String
  }

  var departments: [Hall_Catalog_V1_Department] = []
  var certificates: [Hall_Catalog_V1_Certificate] = []
  var intermediaries: [Hall_Catalog_V1_IntermediaryService] = []
  var items: [Entry<Hall_Catalog_V1_ItemSpec>] = []
  var bundles: [Entry<Hall_Catalog_V1_BundleSpec>] = []

  init(contentsOf path: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw DemoError("\(path) is not a JSON object")
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
    departments = try records("departments").map { try message($0, "department") }
    certificates = try records("certificates").map { try message($0, "certificate") }
    intermediaries = try records("intermediaryServices").map {
      try message($0, "intermediary service")
    }
    items = try records("items").map { record in
      guard let code = record["code"] as? String, let spec = record["spec"] else {
        throw DemoError("an item in \(path) lacks code or spec")
      }
      return Entry(
        code: code, spec: try message(spec, "item \(code)"),
        reasonNote: record["reasonNote"] as? String ?? "新增（演示数据）")
    }
    bundles = try records("bundles").map { record in
      guard let code = record["code"] as? String, let spec = record["spec"] else {
        throw DemoError("a bundle in \(path) lacks code or spec")
      }
      return Entry(code: code, spec: try message(spec, "bundle \(code)"), reasonNote: "新增（演示数据）")
    }
  }

  /// Creates and publishes everything; request ids come from the codes, so a second run
  /// returns the first answers and writes nothing.
  func load(into catalog: CatalogClient) async throws -> String {
    for department in departments {
      _ = try await catalog.createDepartment(
        .with {
          $0.requestID = "demo-department-\(department.id)"
          $0.department = department
        })
    }
    for certificate in certificates {
      _ = try await catalog.createCertificate(
        .with {
          $0.requestID = "demo-certificate-\(certificate.id)"
          $0.certificate = certificate
        })
    }
    for entry in intermediaries {
      _ = try await catalog.createIntermediaryService(
        .with {
          $0.requestID = "demo-intermediary-\(entry.id)"
          $0.intermediaryService = entry
        })
    }
    for item in items {
      _ = try await catalog.createItem(
        .with {
          $0.requestID = "demo-item-\(item.code)"
          $0.code = item.code
          $0.spec = item.spec
        })
      _ = try await catalog.publishItem(
        .with {
          $0.requestID = "demo-publish-item-\(item.code)"
          $0.code = item.code
          $0.reason = .new
          $0.reasonNote = item.reasonNote
        })
    }
    for bundle in bundles {
      _ = try await catalog.createBundle(
        .with {
          $0.requestID = "demo-bundle-\(bundle.code)"
          $0.code = bundle.code
          $0.spec = bundle.spec
        })
      _ = try await catalog.publishBundle(
        .with {
          $0.requestID = "demo-publish-bundle-\(bundle.code)"
          $0.code = bundle.code
          $0.reason = .new
          $0.reasonNote = bundle.reasonNote
        })
    }
    return
      "loaded \(departments.count) departments, \(certificates.count) certificates, \(intermediaries.count) intermediary services, \(items.count) items, \(bundles.count) bundles"
  }
}

struct DemoError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
