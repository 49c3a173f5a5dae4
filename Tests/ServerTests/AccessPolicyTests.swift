import CatalogService
import GRPCCore
import HallAuth
import HallContracts
import HallServer
import IntakeService
import RatingService
import SupervisionService
import Testing

/// A method missing from a policy is refused to everybody (SEC-1 fails closed): every method
/// of every service's contract must have been given its rule.
@Suite("Access policies")
struct AccessPolicyTests {
  static let services = [
    (Catalog.definition, Hall_Catalog_V1_CatalogService.Method.descriptors),
    (Intake.definition, Hall_Intake_V1_IntakeService.Method.descriptors),
    (Rating.definition, Hall_Rating_V1_RatingService.Method.descriptors),
    (Supervision.definition, Hall_Supervision_V1_SupervisionService.Method.descriptors),
  ]

  @Test("every method of every service has an access rule", arguments: services)
  func everyMethodHasARule(definition: ServiceDefinition, methods: [MethodDescriptor]) {
    #expect(!methods.isEmpty)
    let unruled = definition.policy.unruled(methods).map(\.fullyQualifiedMethod)
    #expect(unruled.isEmpty, "\(definition.name): \(unruled)")
  }

  @Test("a rule names only methods of the service's own contract", arguments: services)
  func rulesNameOwnMethods(definition: ServiceDefinition, methods: [MethodDescriptor]) {
    let foreign = Set(definition.policy.rules.keys).subtracting(methods)
    #expect(foreign.isEmpty, "\(definition.name): \(foreign.map(\.fullyQualifiedMethod))")
  }
}
