/// What a caller may do (SEC-1). A token carries exactly one role; a person with two duties
/// holds two tokens, so every action is attributable to one capacity.
public enum Role: String, Sendable, CaseIterable, Codable {
  /// 行政相对人: a citizen or legal person following their own cases.
  case applicant
  /// 综合窗口: a window clerk accepting any item for their hall.
  case clerk
  /// 首席代表 / 后台审批: reviews and decides cases of their department.
  case approver
  /// Manages their department's staff-facing data.
  case departmentAdmin = "department_admin"
  /// 市政务办: publishes the catalog.
  case catalogAdmin = "catalog_admin"
  /// 电子监察: watches timeliness and anomalies.
  case supervisor
  /// A district deployment's link to the city (and back).
  case districtLink = "district_link"
  /// Another service of the same deployment, e.g. a feed consumer.
  case service
}

/// The authenticated caller of one request, as the verified token states it.
public struct Principal: Sendable, Equatable {
  /// Who: a staff number, an applicant's id, or a service name.
  public var subject: String
  public var role: Role
  /// The department the caller acts for, when the role has one.
  public var departmentID: String?
  /// Administrative division code (GB/T 2260) of the caller's deployment or hall.
  public var regionCode: String?
  /// The hall the caller works in (clerks).
  public var hallID: String?
  /// The other deployment of the network the caller speaks for (a link token it signed,
  /// ``TrustedDeployment``); nil for a caller of this deployment.
  public var deployment: String?
  /// What that deployment is to this one: the one above, or one below.
  public var linkRelation: TrustedDeployment.Relation?

  public init(
    subject: String, role: Role, departmentID: String? = nil, regionCode: String? = nil,
    hallID: String? = nil, deployment: String? = nil
  ) {
    self.subject = subject
    self.role = role
    self.departmentID = departmentID
    self.regionCode = regionCode
    self.hallID = hallID
    self.deployment = deployment
  }

  /// The caller of the current request. Set by `AuthInterceptor` for the duration of the
  /// handler; nil on public methods called without a token.
  @TaskLocal public static var current: Principal?
}
