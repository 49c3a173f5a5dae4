import HallAuth
import HallContracts

/// Who may call which method of supervision's contract (SEC-1): supervisors see and judge
/// everything; a department's approvers and administrators see their own department's
/// records, appeal its anomalies and report its cases; a service reports cases too.
enum SupervisionAccess {
  static var policy: AccessPolicy {
    var policy = AccessPolicy()
    typealias M = SupervisionContract.Method
    policy.allow(
      .roles([.supervisor, .approver, .departmentAdmin]),
      [
        M.GetCase.descriptor, M.GetAnomaly.descriptor, M.ListAnomalies.descriptor,
        M.ListRules.descriptor,
        M.GetScoreModel.descriptor, M.ExportCases.descriptor, M.ExportAnomalies.descriptor,
      ])
    policy.allow(
      .roles([.supervisor]),
      [
        M.RecordManualEntry.descriptor, M.JudgeManualEntry.descriptor, M.DecideAppeal.descriptor,
        M.UpdateRule.descriptor, M.SetScoreModel.descriptor, M.GetMonthlyReport.descriptor,
        M.ListFeedLags.descriptor,
      ])
    // A district reads its own region's cases and figures back from its city [数据回流].
    policy.allow(
      .roles([.supervisor, .approver, .departmentAdmin, .districtLink]),
      [M.QueryCases.descriptor, M.GetFigures.descriptor])
    policy.allow(.roles([.approver, .departmentAdmin]), [M.AppealAnomaly.descriptor])
    policy.allow(.roles([.supervisor, .approver, .departmentAdmin]), [M.RecordFollowUp.descriptor])
    policy.allow(
      .roles([.supervisor, .departmentAdmin, .service]),
      [M.ReportCases.descriptor, M.ImportCases.descriptor])
    return policy
  }
}
