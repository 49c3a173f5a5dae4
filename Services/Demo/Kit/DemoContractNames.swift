import HallContracts

// What only the demonstration uses of the contracts, by short name; the rest comes from
// hallctl's kit (ContractNames.swift there).

// The catalog service.
typealias BundleSpec = Hall_Catalog_V1_BundleSpec
typealias CatalogCertificate = Hall_Catalog_V1_Certificate
typealias ChangeReason = Hall_Catalog_V1_ChangeReason
typealias CreateBundleRequest = Hall_Catalog_V1_CreateBundleRequest
typealias CreateCertificateRequest = Hall_Catalog_V1_CreateCertificateRequest
typealias CreateDepartmentRequest = Hall_Catalog_V1_CreateDepartmentRequest
typealias CreateIntermediaryServiceRequest = Hall_Catalog_V1_CreateIntermediaryServiceRequest
typealias CreateItemRequest = Hall_Catalog_V1_CreateItemRequest
typealias Department = Hall_Catalog_V1_Department
typealias FormField = Hall_Catalog_V1_FormField
typealias IntermediaryService = Hall_Catalog_V1_IntermediaryService
typealias ItemSpec = Hall_Catalog_V1_ItemSpec
typealias PublishBundleRequest = Hall_Catalog_V1_PublishBundleRequest
typealias PublishItemRequest = Hall_Catalog_V1_PublishItemRequest

// The supervision service.
typealias CaseReport = Hall_Supervision_V1_CaseReport
