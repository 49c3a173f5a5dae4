import HallContracts
import SwiftProtobuf

/// 一件事: one form, one material set, one guide for several items (CAT-8, Art. 33). The
/// merged parts are computed from the member versions, never typed in, so a bundle cannot
/// disagree with the items it is made of.
enum BundleMerger {
  struct Merged {
    var materials: [MergedMaterial]
    var formFields: [FormField]
    var promisedLimit: Int32
    var statutoryLimit: Int32
    var departmentIDs: [String]
  }

  static func merge(members: [ItemVersion], leadDepartmentID: String) -> Merged {
    var departments = [leadDepartmentID]
    for member in members where !departments.contains(member.spec.departmentID) {
      departments.append(member.spec.departmentID)
    }
    // Members are handled in parallel sub-cases (INT-8): the bundle takes as long as its
    // slowest member.
    return Merged(
      materials: materials(of: members),
      formFields: formFields(of: members),
      promisedLimit: members.map(\.spec.promisedLimitWorkingDays).max() ?? 0,
      statutoryLimit: members.map(\.spec.statutoryLimitWorkingDays).max() ?? 0,
      departmentIDs: departments)
  }

  /// Two members ask for the same material when it is the same certificate-list entry, or
  /// when its name is the same once spaces are ignored. The merged material is as strict as
  /// the strictest member: required if any requires it, supplied later (容缺) only if every
  /// member allows it, and in the larger number of originals and copies.
  private static func materials(of members: [ItemVersion]) -> [MergedMaterial] {
    var materials: [MergedMaterial] = []
    var indexByKey: [String: Int] = [:]
    for member in members {
      for material in member.spec.materials {
        let key =
          material.certificateID.isEmpty
          ? "name:" + material.name.filter { !$0.isWhitespace } : "cert:" + material.certificateID
        if let index = indexByKey[key] {
          materials[index].material = stricter(materials[index].material, material)
          if !materials[index].itemCodes.contains(member.itemCode) {
            materials[index].itemCodes.append(member.itemCode)
          }
        } else {
          indexByKey[key] = materials.count
          var merged = material
          merged.id = "b\(materials.count + 1)"
          materials.append(
            .with {
              $0.material = merged
              $0.itemCodes = [member.itemCode]
            })
        }
      }
    }
    return materials
  }

  /// One form: a field asked by several members is asked once, required if any requires it.
  private static func formFields(of members: [ItemVersion]) -> [FormField] {
    var fields: [FormField] = []
    var fieldIndex: [String: Int] = [:]
    for field in members.flatMap(\.spec.formFields) {
      if let index = fieldIndex[field.key] {
        fields[index].required = fields[index].required || field.required
      } else {
        fieldIndex[field.key] = fields.count
        fields.append(field)
      }
    }
    return fields
  }

  private static func stricter(
    _ a: Material, _ b: Material
  ) -> Material {
    var merged = a
    merged.required = a.required || b.required
    merged.shortfallEligible = a.shortfallEligible && b.shortfallEligible
    merged.originalCount = max(a.originalCount, b.originalCount)
    merged.copyCount = max(a.copyCount, b.copyCount)
    merged.form =
      merged.originalCount > 0 && merged.copyCount > 0
      ? .originalAndCopy : (merged.originalCount > 0 ? .original : .copy)
    // A paper requirement is the one a window can check; either-medium only if both allow it.
    if a.medium == .paper || b.medium == .paper {
      merged.medium = .paper
    } else if a.medium == .electronic || b.medium == .electronic {
      merged.medium = .electronic
    }
    // Fetched for one member but brought for another: the applicant still brings it.
    if a.source == .applicant || b.source == .applicant { merged.source = .applicant }
    if merged.description_p.isEmpty { merged.description_p = b.description_p }
    return merged
  }
}
