import HallAuth
import HallContracts

/// Who may call which of the catalog's methods. Reads of published data are public (CAT-9:
/// the online and offline guide are the same and anyone may read it); every write needs the
/// catalog administrator; a record with its draft, also the platform's services.
enum CatalogAccess {
  static var policy: AccessPolicy {
    var policy = AccessPolicy()
    typealias M = CatalogContract.Method
    policy.allow(
      .anyone,
      [
        M.GetDepartment.descriptor, M.ListDepartments.descriptor, M.ListCertificates.descriptor,
        M.ListIntermediaryServices.descriptor, M.ListItemVersions.descriptor,
        M.GetItemVersion.descriptor, M.GetGuide.descriptor, M.SearchGuides.descriptor,
        M.ListBundles.descriptor, M.GetBundleVersion.descriptor, M.GetCalendarYear.descriptor,
        M.ListCalendarYears.descriptor, M.GetHallHours.descriptor, M.ComputeDueTime.descriptor,
        M.CountWorkingDays.descriptor, M.GetIndicators.descriptor,
      ])
    policy.allow(
      .roles([.catalogAdmin]),
      [
        M.CreateDepartment.descriptor, M.CreateCertificate.descriptor,
        M.CreateIntermediaryService.descriptor, M.CreateItem.descriptor,
        M.UpdateItemDraft.descriptor, M.PublishItem.descriptor, M.CancelItem.descriptor,
        M.CreateBundle.descriptor, M.UpdateBundleDraft.descriptor, M.PublishBundle.descriptor,
        M.CancelBundle.descriptor, M.PutCalendarYear.descriptor, M.SetHallHours.descriptor,
        M.SetItemLocalDetails.descriptor,
      ])
    policy.allow(
      .roles([.catalogAdmin, .service]), [M.GetItem.descriptor, M.GetBundle.descriptor])
    return policy
  }
}
