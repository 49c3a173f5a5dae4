import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// The script of the demonstration day, step by step through the contracts.
struct DemoDay {
  typealias Transport = HTTP2ClientTransport.Posix
  let catalog: Hall_Catalog_V1_CatalogService.Client<Transport>
  let intake: Hall_Intake_V1_IntakeService.Client<Transport>
  let rating: Hall_Rating_V1_RatingService.Client<Transport>
  let supervision: Hall_Supervision_V1_SupervisionService.Client<Transport>
  let people: DemoPeople
  /// The hall's time: the machine's, or a training hall's (HALL_CLOCK_OFFSET_SECONDS).
  let clock: WallClock

  static let window = "W01"
  static let foodLicence = "HL-SCJG-004"
  static let companyRegistration = "HL-SCJG-001"
  static let hygieneLicence = "HL-WJW-001"
  static let hotelLicence = "HL-GA-001"
  static let pesticideLicence = "HL-NYNC-001"
  static let restaurantBundle = "HL-YJS-03"

  static let company = Hall_Intake_V1_Applicant.with {
    $0.kind = .legalPerson
    $0.idNumber = DemoPeople.companyID
    $0.name = "濮阳市好味餐饮管理有限公司"
    $0.phone = "13903930001"
    $0.contactName = "王经理"
  }
  static let zhang = Hall_Intake_V1_Applicant.with {
    $0.kind = .citizen
    $0.idNumber = DemoPeople.zhangID
    $0.name = "张伟"
    $0.phone = "13803930002"
  }
  static let li = Hall_Intake_V1_Applicant.with {
    $0.kind = .citizen
    $0.idNumber = DemoPeople.liID
    $0.name = "李娜"
    $0.phone = "13703930003"
  }

  func step(_ text: String) {
    let time = Format.time(.init(date: clock.now))
    Output.line("\(time)  \(text)")
  }

  static func request() -> String { UUID().uuidString }

  // MARK: - Morning

  func morning() async throws {
    step("morning: the hall opens; three applicants take tickets")
    try await reportOverdueCase()
    var tickets: [Hall_Intake_V1_Ticket] = []
    for item in [Self.foodLicence, Self.companyRegistration, Self.hygieneLicence] {
      tickets.append(
        try await intake.issueTicket(
          .with {
            $0.requestID = Self.request()
            $0.hallID = people.hall
            $0.itemCode = item
          }, metadata: people.clerk))
    }
    step("tickets \(tickets.map(\.number).joined(separator: ", "))")

    // A food business licence with a shortfall [容缺]: the health certificate follows later.
    var ticket = try await callNext()
    // Each is received and decided in one call [收件即受理].
    let food = try await submit(
      Self.foodLicence, applicant: Self.company, leaving: ["m4"], ticket: ticket.id,
      decision: .with { $0.shortfallCommitment = "承诺 5 个工作日内补交从业人员健康证明" })
    step("\(food.caseNumber) \(Self.foodLicence) accepted with a shortfall (m4 promised)")

    // Company registration, on the spot [即办件]: decided, issued and handed over at once.
    ticket = try await callNext()
    var registration = try await submit(
      Self.companyRegistration, applicant: Self.li, leaving: [], ticket: ticket.id,
      decision: .init())
    registration = try await issue(registration, "营业执照")
    registration = try await deliver(registration)
    step("\(registration.caseNumber) \(Self.companyRegistration) decided on the spot, delivered")
    try await rate(registration.caseNumber, .satisfied, people.li, "窗口办理很快")

    // A hygiene licence with a defective copy: one notice lists it [一次告知].
    ticket = try await callNext()
    let hygiene = try await submit(
      Self.hygieneLicence, applicant: Self.zhang, leaving: [], ticket: ticket.id,
      decision: .with {
        $0.defects = [
          .with {
            $0.materialID = "m4"
            $0.reason = "卫生检测报告已超出有效期，请重新提供"
          }
        ]
      })
    step("\(hygiene.caseNumber) \(Self.hygieneLicence) one correction notice (m4)")

    // Opening a restaurant [一件事]: one form, one set of materials, a case per department.
    let bundle = try await catalog.getBundleVersion(.with { $0.code = Self.restaurantBundle })
    var form: [String: String] = [:]
    for field in bundle.formFields { form[field.key] = Self.sample(field) }
    var application = try await intake.submitBundleApplication(
      .with {
        $0.requestID = Self.request()
        $0.bundleCode = Self.restaurantBundle
        $0.channel = .window
        $0.applicant = Self.company
        $0.providedMaterialIds = bundle.materials.map(\.material.id)
        $0.form = form
        $0.delivery = .with { $0.method = .windowPickup }
        $0.windowID = Self.window
      }, metadata: people.clerk)
    application = try await intake.acceptBundleApplication(
      .with {
        $0.requestID = Self.request()
        $0.applicationID = application.id
      }, metadata: people.clerk)
    step(
      "\(application.id) \(Self.restaurantBundle) one-thing application: \(application.subCases.count) sub-cases, \(ProtoEnum.name(application.status))"
    )
  }

  /// A department's own system reports a case accepted three weeks ago and still open.
  func reportOverdueCase() async throws {
    let accepted = clock.now.addingTimeInterval(-21 * 86_400)
    let day = CivilDate(chinaStandardTimeOf: accepted)
    let number = String(
      format: "%@-%04d%02d%02d-%04d", Self.pesticideLicence, day.year, day.month, day.day,
      Int.random(in: 1000...9999))
    // Supervision may still be reading the catalog's departments and items: a record it
    // cannot check yet is refused as inaccurate, so the department's system sends it again.
    var report = Hall_Supervision_V1_ReportCasesResponse()
    for attempt in 0..<60 {
      report = try await supervision.reportCases(
        .with {
          $0.requestID = Self.request()
          $0.admitLate = true
          $0.cases = [
            .with {
              $0.caseNumber = number
              $0.itemCode = Self.pesticideLicence
              $0.departmentID = "hl-nyncj"
              $0.windowID = "W07"
              $0.staffID = "nync-clerk-02"
              $0.state = 3
              $0.caseKind = .promised
              $0.promisedWorkingDays = 10
              $0.receiveTime = .init(date: accepted)
              $0.acceptTime = .init(date: accepted)
            }
          ]
        }, metadata: people.supervisor)
      guard report.refusals.contains(where: { $0.problem == "INACCURATE" }), attempt < 59 else {
        break
      }
      try await Task.sleep(for: .milliseconds(500))
    }
    for refusal in report.refusals {
      step("\(number) refused: \(refusal.problem) \(refusal.field) \(refusal.message)")
    }
    step(
      "\(number) reported by the agriculture bureau's system: \(report.accepted) accepted, still open past its limit"
    )
  }

  // MARK: - Afternoon

  func afternoon() async throws {
    step("afternoon: the back office decides, results go out, applicants rate")
    for var food in try await cases(Self.foodLicence, state: .accepted)
    where food.hasShortfall
      && !food.shortfall.hasSuppliedTime
    {
      // The company uploads the promised certificate online: no second trip.
      food = try await intake.supplyShortfall(
        .with {
          $0.requestID = Self.request()
          $0.caseNumber = food.caseNumber
          $0.materialIds = food.shortfall.materialIds
        }, metadata: people.company)
      food = try await decide(food, approve: true)
      food = try await issue(food, "食品经营许可证")
      food = try await deliver(food)
      step("\(food.caseNumber) shortfall supplied, approved, licence delivered")
      try await rate(food.caseNumber, .verySatisfied, people.company, "容缺受理，少跑一趟")
    }
    for var hygiene in try await cases(Self.hygieneLicence, state: .correctionRequested) {
      // The applicant uploads the corrected copy online: no second trip.
      hygiene = try await intake.submitCorrection(
        .with {
          $0.requestID = Self.request()
          $0.caseNumber = hygiene.caseNumber
          $0.materialIds = ["m4"]
        }, metadata: people.zhang)
      // Complete now, the application is accepted; the clock starts from here.
      if hygiene.state == .received { hygiene = try await accept(hygiene) }
      hygiene = try await decide(hygiene, approve: true)
      hygiene = try await issue(hygiene, "公共场所卫生许可证")
      hygiene = try await deliver(hygiene)
      step("\(hygiene.caseNumber) corrected, approved, licence delivered")
      try await rate(hygiene.caseNumber, .dissatisfied, people.zhang, "补正后等待时间较长")
    }

    var hotel = try await submit(Self.hotelLicence, applicant: Self.zhang, leaving: [], ticket: "")
    hotel = try await accept(hotel)
    hotel = try await decide(hotel, approve: false, reason: "消防安全条件不符合旅馆业要求")
    step("\(hotel.caseNumber) \(Self.hotelLicence) denied with its reason")

  }

  // MARK: - Figures

  func printFigures(waitSeconds: Double, json: Bool) async throws {
    // Supervision hears of the day through the feeds; wait until it has every case intake has.
    let deadline = Date().addingTimeInterval(waitSeconds)
    var behind: [String] = []
    repeat {
      behind = []
      for kase in try await allCases() {
        let seen = try? await supervision.getCase(
          .with { $0.caseNumber = kase.caseNumber }, metadata: people.supervisor)
        if seen?.state != Int32(kase.state.rawValue) { behind.append(kase.caseNumber) }
      }
      if behind.isEmpty { break }
      try await Task.sleep(for: .milliseconds(500))
    } while Date() < deadline
    if !behind.isEmpty { step("supervision has not caught up with \(behind.count) cases yet") }

    let today = clock.today
    let from = Days.proto(today.adding(days: -30))
    let to = Days.proto(today.adding(days: 1))
    let figures = try await supervision.getFigures(
      .with {
        $0.grouping = .department
        $0.from = from
        $0.to = to
      }, metadata: people.supervisor)
    let anomalies = try await supervision.listAnomalies(
      .with {
        $0.raisedFrom = from
        $0.raisedTo = to
      }, metadata: people.supervisor)
    if json {
      try Output.json(figures)
      return
    }
    Output.line("")
    Output.line("supervision figures, \(Format.date(from)) to \(Format.date(to)) (exclusive)")
    Output.table(
      [
        "department", "accepted", "red", "red-card rate", "completed", "on time", "same day",
        "rated", "satisfaction", "anomalies",
      ],
      figures.rows.map { row in
        [
          row.name.isEmpty ? row.key : row.name, "\(row.acceptedCases)", "\(row.redCardedCases)",
          row.shownRedCardRate, "\(row.completedCases)",
          row.shownOnTimeRate, row.shownSameDayRate, "\(row.ratings)",
          row.shownSatisfactionRate, "\(row.anomalies)",
        ]
      })
    Output.line("")
    Output.line("anomalies raised")
    Output.table(
      ["id", "rule", "signal", "department", "summary"],
      anomalies.anomalies.map {
        [$0.id, $0.ruleCode, ProtoEnum.name($0.signal), $0.departmentID, $0.summary]
      })
  }

  // MARK: - Steps

  func callNext() async throws -> Hall_Intake_V1_Ticket {
    try await intake.callNextTicket(
      .with {
        $0.requestID = Self.request()
        $0.windowID = Self.window
      }, metadata: people.clerk)
  }

  /// Submits at the window with every required material but `leaving`, the form filled, and
  /// the clerk's acceptance decision when given. Promised items' results go by free post, so
  /// that the applicant's one visit is the only one [最多跑一次]; an on-the-spot result is
  /// handed over in the same sitting.
  func submit(
    _ item: String, applicant: Hall_Intake_V1_Applicant, leaving: Set<String>, ticket: String,
    decision: Hall_Intake_V1_AcceptanceDecision? = nil
  ) async throws -> Hall_Intake_V1_Case {
    let spec = try await catalog.getGuide(.with { $0.itemCode = item }).version.spec
    var form: [String: String] = [:]
    for field in spec.formFields { form[field.key] = Self.sample(field) }
    return try await intake.submitCase(
      .with {
        $0.requestID = Self.request()
        $0.itemCode = item
        $0.channel = .window
        $0.applicant = applicant
        $0.providedMaterialIds = spec.materials.map(\.id).filter { !leaving.contains($0) }
        $0.form = form
        $0.delivery = .with {
          if spec.caseKind == .onTheSpot {
            $0.method = .windowPickup
          } else {
            $0.method = .freePost
            $0.address = "濮阳市华龙区胜利路 88 号"
            $0.recipient = applicant.name
            $0.phone = applicant.phone
          }
        }
        $0.windowID = Self.window
        $0.ticketID = ticket
        if let decision { $0.decision = decision }
      }, metadata: people.clerk)
  }

  func accept(_ kase: Hall_Intake_V1_Case) async throws -> Hall_Intake_V1_Case {
    try await intake.acceptCase(
      .with {
        $0.requestID = Self.request()
        $0.caseNumber = kase.caseNumber
      }, metadata: people.clerk)
  }

  func decide(_ kase: Hall_Intake_V1_Case, approve: Bool, reason: String = "") async throws
    -> Hall_Intake_V1_Case
  {
    let approver = people.approver(kase.departmentID)
    if kase.state == .accepted {
      _ = try await intake.startReview(
        .with {
          $0.requestID = Self.request()
          $0.caseNumber = kase.caseNumber
        }, metadata: approver)
    }
    return try await intake.decideCase(
      .with {
        $0.requestID = Self.request()
        $0.caseNumber = kase.caseNumber
        $0.approve = approve
        $0.reason = reason
      }, metadata: approver)
  }

  func issue(_ kase: Hall_Intake_V1_Case, _ name: String) async throws -> Hall_Intake_V1_Case {
    try await intake.issueLicence(
      .with {
        $0.requestID = Self.request()
        $0.caseNumber = kase.caseNumber
        $0.licenceName = name
      }, metadata: people.approver(kase.departmentID))
  }

  func deliver(_ kase: Hall_Intake_V1_Case) async throws -> Hall_Intake_V1_Case {
    try await intake.deliverResult(
      .with {
        $0.requestID = Self.request()
        $0.caseNumber = kase.caseNumber
        if kase.delivery.method == .freePost {
          $0.reference = "EMS\(Int.random(in: 1_000_000_000...9_999_999_999))"
        }
      }, metadata: people.clerk)
  }

  func rate(
    _ caseNumber: String, _ satisfaction: Hall_Rating_V1_Satisfaction, _ applicant: Metadata,
    _ text: String
  ) async throws {
    // Rating hears of the finished case through intake's feed; give it a moment.
    for attempt in 0..<60 {
      do {
        let given = try await rating.submitRating(
          .with {
            $0.requestID = "rate-\(caseNumber)"
            $0.caseNumber = caseNumber
            $0.satisfaction = satisfaction
            $0.channel = .windowDevice
            $0.text = text
          }, metadata: applicant)
        step("\(caseNumber) rated \(given.satisfaction.rawValue) (\(text))")
        return
      } catch let error as RPCError
        where error.code == .notFound || error.code == .failedPrecondition
      {
        if attempt == 59 { throw error }
        try await Task.sleep(for: .milliseconds(500))
      }
    }
  }

  /// Today's cases of `item` in `state`, with their materials and shortfall.
  func cases(_ item: String, state: Hall_Intake_V1_CaseState) async throws -> [Hall_Intake_V1_Case]
  {
    let listed = try await intake.listCases(
      .with {
        $0.itemCode = item
        $0.state = state
        $0.pageSize = 100
      }, metadata: people.supervisor)
    var found: [Hall_Intake_V1_Case] = []
    for kase in listed.cases {
      found.append(
        try await intake.getCase(
          .with { $0.caseNumber = kase.caseNumber }, metadata: people.supervisor))
    }
    return found
  }

  func allCases() async throws -> [Hall_Intake_V1_Case] {
    var all: [Hall_Intake_V1_Case] = []
    var token = ""
    repeat {
      let page = try await intake.listCases(
        .with {
          $0.pageSize = 200
          $0.pageToken = token
        }, metadata: people.supervisor)
      all += page.cases
      token = page.nextPageToken
    } while !token.isEmpty
    return all
  }

  /// A plausible value for a form field, by what its key says it holds.
  static func sample(_ field: Hall_Catalog_V1_FormField) -> String {
    switch field.key {
    case let key where key.contains("credit_code"): DemoPeople.companyID
    case let key where key.contains("phone"): "13903930001"
    case let key where key.contains("capital"): "500000"
    case let key where key.contains("sqm") || key.contains("count"): "120"
    case let key where key.contains("address"): "濮阳市华龙区胜利路 88 号"
    case let key where key.contains("name"): "濮阳市好味餐饮管理有限公司"
    default: field.label.isEmpty ? "示例" : "\(field.label)（示例）"
    }
  }
}
