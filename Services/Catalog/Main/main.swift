import HallServer
import CatalogService

// `hall-catalog`: the catalog service as its own process.
await ServiceMain.start(ServiceCommand<Catalog>.self)
