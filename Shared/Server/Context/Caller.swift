public import HallAuth

/// The caller of the request being served, as its verified token states it (SEC-1).
public enum Caller {
  /// The caller, for a call that needs to know who asks.
  public static func required() throws(ServiceError) -> Principal {
    guard let principal = Principal.current else {
      throw .permissionDenied("this call needs a bearer token")
    }
    return principal
  }

  /// Who is acting, for `*_by` columns and timelines: the token's subject, or "system" for
  /// work no caller started (a timer, a feed).
  public static var actor: String { Principal.current?.subject ?? "system" }

  /// The department whose records the caller may see: a supervisor or a service any (the
  /// one asked for, or all when none is), a department's staff only their own.
  public static func visibleDepartment(asked: String) throws(ServiceError) -> String {
    let principal = try required()
    if principal.role == .supervisor || principal.role == .service { return asked }
    // A district's link reads its own region's records back, any department of it.
    if principal.deployment != nil { return asked }
    let own = principal.departmentID ?? ""
    guard asked.isEmpty || asked == own else {
      throw .permissionDenied("you see your own department's records only")
    }
    guard !own.isEmpty else { throw .permissionDenied("your token names no department") }
    return own
  }

  /// The region whose records the caller may see: a district's link only its own region
  /// [数据回流] (FED-3), everyone else the one asked for (their department limits them).
  public static func visibleRegion(asked: String) throws(ServiceError) -> String {
    let principal = try required()
    guard let deployment = principal.deployment, let own = principal.regionCode else {
      return asked
    }
    guard asked.isEmpty || asked == own else {
      throw .permissionDenied(
        "\(deployment) reads its own region's records (\(own)), not \(Quote.brief(asked))")
    }
    return own
  }
}
