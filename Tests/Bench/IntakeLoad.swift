import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallAuth
import HallContracts
import HallServer
import HallTestSupport
import PostgresNIO
import SwiftProtobuf

/// Drives intake with acceptances: a new case submitted at the window and accepted at once.
struct IntakeLoad: Sendable {
  let client: GRPCClient<HTTP2ClientTransport.Posix>
  let intakePort: Int
  static let item = "BENCH-001"
  static let clerk: Metadata = [
    "authorization":
      "Bearer \(try! TestKeys.signer.mint(Principal(subject: "clerk-bench", role: .clerk, hallID: "bench-hall")))"
  ]

  var intake: Hall_Intake_V1_IntakeService.Client<HTTP2ClientTransport.Posix> {
    .init(wrapping: client)
  }

  /// Publishes the item the load applies for and waits until intake's replica has it.
  static func prepare(catalogPort: Int, intakePort: Int) async throws -> IntakeLoad {
    try await ServiceClient.with(
      host: "127.0.0.1", port: catalogPort, token: TestKeys.token(.catalogAdmin)
    ) { connection in
      let catalog = Hall_Catalog_V1_CatalogService.Client(wrapping: connection)
      _ = try await catalog.createDepartment(
        .with {
          $0.requestID = "bench-department"
          $0.department = .with {
            $0.id = "bench-scjg"
            $0.name = "市场监管局（基准测试）"
            $0.regionCode = "410902"
            $0.level = .county
          }
        })
      _ = try await catalog.createItem(
        .with {
          $0.requestID = "bench-item"
          $0.code = item
          $0.spec = spec
        })
      _ = try await catalog.publishItem(
        .with {
          $0.requestID = "bench-publish"
          $0.code = item
          $0.reason = .new
          $0.reasonNote = "新增"
        })
    }
    let transport = try HTTP2ClientTransport.Posix(
      target: .ipv4(address: "127.0.0.1", port: intakePort), transportSecurity: .plaintext)
    let client = GRPCClient(transport: transport)
    Task { try await client.runConnections() }
    let load = IntakeLoad(client: client, intakePort: intakePort)
    let deadline = ContinuousClock.now + .seconds(30)
    while true {
      do {
        _ = try await load.acceptance(.window)
        return load
      } catch let error as RPCError where error.code == .notFound {
        guard ContinuousClock.now < deadline else { throw error }
        try await Task.sleep(for: .milliseconds(100))
      }
    }
  }

  /// How an acceptance reaches intake.
  enum Flow: String, Sendable, Codable {
    /// SubmitCase carrying the clerk's decision: received and accepted in one call.
    case window
    /// SubmitCase, then AcceptCase of the new case.
    case twoCalls
  }

  /// One acceptance; returns each call's duration.
  func acceptance(_ flow: Flow) async throws -> [Duration] {
    try await acceptedCase(flow).calls
  }

  /// A new case submitted at the window and accepted at once, with each call's duration.
  func acceptedCase(_ flow: Flow) async throws -> (Hall_Intake_V1_Case, calls: [Duration]) {
    let clock = ContinuousClock()
    var kase = Hall_Intake_V1_Case()
    var calls: [Duration] = []
    calls.append(
      try await clock.measure {
        kase = try await intake.submitCase(
          .with {
            $0.requestID = UUID().uuidString
            $0.itemCode = Self.item
            $0.channel = .window
            $0.windowID = "W01"
            $0.applicant = .with {
              $0.kind = .citizen
              $0.idNumber = "410102199003071230"
              $0.name = "张三"
              $0.phone = "13800001111"
            }
            $0.providedMaterialIds = ["m1", "m2"]
            $0.form = ["enterprise_name": "郑州好味餐饮有限公司"]
            $0.delivery = .with { $0.method = .windowPickup }
            if flow == .window { $0.decision = .init() }
          }, metadata: Self.clerk)
      })
    if flow == .twoCalls {
      calls.append(
        try await clock.measure {
          kase = try await intake.acceptCase(
            .with {
              $0.requestID = UUID().uuidString
              $0.caseNumber = kase.caseNumber
            }, metadata: Self.clerk)
        })
    }
    guard kase.state == .accepted else {
      throw RPCError(code: .internalError, message: "case \(kase.caseNumber) is \(kase.state)")
    }
    return (kase, calls)
  }

  /// What the transport alone costs `calls` calls: Health.Check with the clerk's token —
  /// gRPC, HTTP/2 and the token check on both sides, no database and no work. Its rate is
  /// the ceiling any acceptance making as many calls can reach on this machine.
  func transportOnly(calls: Int) async throws -> [Duration] {
    let health = Grpc_Health_V1_Health.Client(wrapping: client)
    let clock = ContinuousClock()
    var durations: [Duration] = []
    for _ in 0..<calls {
      durations.append(
        try await clock.measure {
          _ = try await health.check(.with { $0.service = "" }, metadata: Self.clerk)
        })
    }
    return durations
  }

  /// `clients` tasks each doing `operation` back to back for `seconds`.
  func closedLoop(
    clients: Int, seconds: Double, operation: @escaping @Sendable () async throws -> [Duration]
  ) async throws -> LoadPhase {
    let end = ContinuousClock.now + .seconds(seconds)
    let start = ContinuousClock.now
    let samples = try await withThrowingTaskGroup(of: Samples.self) { group in
      for _ in 0..<clients {
        group.addTask {
          var samples = Samples()
          while ContinuousClock.now < end {
            let began = ContinuousClock.now
            do {
              let calls = try await operation()
              samples.add(total: ContinuousClock.now - began, calls: calls)
            } catch {
              samples.failed += 1
            }
          }
          return samples
        }
      }
      return try await group.reduce(into: Samples()) { $0.merge($1) }
    }
    return samples.phase(seconds: (ContinuousClock.now - start).seconds, offered: nil)
  }

  /// Acceptances started on a fixed schedule at `rate` per second, by up to `clients`
  /// tasks; each is timed from its scheduled start, so a stall shows in the latency of every
  /// acceptance it delayed (no coordinated omission).
  func openLoop(
    _ flow: Flow, rate: Double, clients: Int, seconds: Double
  ) async throws -> LoadPhase {
    let interval = Duration.seconds(1 / rate)
    let total = Int(rate * seconds)
    let start = ContinuousClock.now + .milliseconds(50)
    let next = Ticket()
    let samples = try await withThrowingTaskGroup(of: Samples.self) { group in
      for _ in 0..<clients {
        group.addTask {
          var samples = Samples()
          while true {
            let index = next.take()
            guard index < total else { break }
            let scheduled = start + interval * index
            if scheduled > .now { try await Task.sleep(until: scheduled) }
            do {
              let calls = try await acceptance(flow)
              samples.add(total: ContinuousClock.now - scheduled, calls: calls)
            } catch {
              samples.failed += 1
            }
          }
          return samples
        }
      }
      return try await group.reduce(into: Samples()) { $0.merge($1) }
    }
    return samples.phase(seconds: (ContinuousClock.now - start).seconds, offered: rate)
  }

  /// The stored size of a case after acceptance, for pgbench's rows.
  func caseBodySize() async throws -> Int {
    let bytes: [UInt8] = try await acceptedCase(.window).0.serializedBytes()
    return bytes.count
  }

  static var spec: Hall_Catalog_V1_ItemSpec {
    .with {
      $0.name = "食品经营许可核发（基准）"
      $0.departmentID = "bench-scjg"
      $0.kind = .administrativeLicensing
      $0.levels = [.county]
      $0.legalBasis = "《中华人民共和国食品安全法》第三十五条"
      $0.conditions = ["具有与经营的食品品种、数量相适应的经营场所"]
      $0.steps = [
        .with { $0.name = "受理" },
        .with {
          $0.name = "审查决定"; $0.limitWorkingDays = 5
        },
      ]
      $0.statutoryLimitWorkingDays = 20
      $0.promisedLimitWorkingDays = 5
      $0.caseKind = .promised
      $0.channels = [.window, .pc]
      $0.maxVisits = 1
      $0.onlineDepth = 4
      $0.placement = .inHall
      $0.materials = ["食品经营许可申请书", "经营场所租赁合同"].enumerated().map { index, name in
        .with {
          $0.id = "m\(index + 1)"
          $0.name = name
          $0.required = true
          $0.form = .original
          $0.originalCount = 1
          $0.medium = .paper
          $0.source = .applicant
        }
      }
      $0.formFields = [
        .with {
          $0.key = "enterprise_name"
          $0.label = "企业名称"
          $0.required = true
        }
      ]
    }
  }
}

/// Durations of one task's acceptances, merged at the end of a phase.
struct Samples: Sendable {
  var total: [Double] = []
  /// Per call of an acceptance, in call order.
  var calls: [[Double]] = []
  var failed = 0

  mutating func add(total: Duration, calls durations: [Duration]) {
    self.total.append(total.milliseconds)
    while calls.count < durations.count { calls.append([]) }
    for (index, duration) in durations.enumerated() { calls[index].append(duration.milliseconds) }
  }

  mutating func merge(_ other: Samples) {
    total += other.total
    while calls.count < other.calls.count { calls.append([]) }
    for (index, sample) in other.calls.enumerated() { calls[index] += sample }
    failed += other.failed
  }

  func phase(seconds: Double, offered: Double?) -> LoadPhase {
    LoadPhase(
      completed: total.count, failed: failed, seconds: seconds,
      acceptance: LoadPhase.summary(total), calls: calls.map(LoadPhase.summary),
      offeredRate: offered)
  }
}
