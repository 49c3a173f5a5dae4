import HallServer
import RatingService

// `hall-rating`: the rating service as its own process.
await ServiceMain.start(ServiceCommand<Rating>.self)
