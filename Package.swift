// swift-tools-version:6.1
import PackageDescription

/// The hall platform: four services (catalog, intake, supervision, rating) and the libraries
/// they share. Generated protobuf code is committed under `Shared/Contracts` (see
/// `proto/generate.sh`), so an ordinary build never runs protoc.
let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let grpcCore = Target.Dependency.product(name: "GRPCCore", package: "grpc-swift-2")
let grpcHTTP2 = Target.Dependency.product(
  name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport")
let grpcProtobuf = Target.Dependency.product(name: "GRPCProtobuf", package: "grpc-swift-protobuf")
let protobuf = Target.Dependency.product(name: "SwiftProtobuf", package: "swift-protobuf")
let postgres = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let lifecycle = Target.Dependency.product(
  name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals = Target.Dependency.product(
  name: "UnixSignals", package: "swift-service-lifecycle")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let x509 = Target.Dependency.product(name: "X509", package: "swift-certificates")
let asn1 = Target.Dependency.product(name: "SwiftASN1", package: "swift-asn1")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let certificateReloading = Target.Dependency.product(
  name: "NIOCertificateReloading", package: "swift-nio-extras")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let argumentParser = Target.Dependency.product(
  name: "ArgumentParser", package: "swift-argument-parser")
let tracing = Target.Dependency.product(name: "Tracing", package: "swift-distributed-tracing")
let otel = Target.Dependency.product(name: "OTel", package: "swift-otel")

let package = Package(
  name: "hall",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "hall-catalog", targets: ["hall-catalog"]),
    .executable(name: "hall-intake", targets: ["hall-intake"]),
    .executable(name: "hall-rating", targets: ["hall-rating"]),
    .executable(name: "hall-supervision", targets: ["hall-supervision"]),
    .executable(name: "hallctl", targets: ["hallctl"]),
    .executable(name: "hall-demo", targets: ["hall-demo"]),
  ],
  dependencies: [
    .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
    .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
    .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1.git", exact: "1.7.4"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
    .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
    .package(url: "https://github.com/apple/swift-distributed-tracing.git", exact: "1.7.3"),
    // Only the OTLP/gRPC exporter: the HTTP one would bring AsyncHTTPClient into every build.
    .package(
      url: "https://github.com/swift-otel/swift-otel.git", exact: "1.6.0", traits: ["OTLPGRPC"]),
  ],
  targets: [
    // Shared libraries.
    .target(
      name: "HallCalendar",
      path: "Shared/Calendar",
      swiftSettings: strictSettings),
    .target(
      name: "HallContracts",
      dependencies: [grpcCore, grpcProtobuf, protobuf],
      path: "Shared/Contracts"),
    .target(
      name: "HallDatabase",
      dependencies: [postgres, logging, nioCore, nioPosix, nioSSL, tracing],
      path: "Shared/Database",
      swiftSettings: strictSettings),
    .target(
      name: "HallAuth",
      dependencies: [grpcCore, crypto, logging, x509, asn1],
      path: "Shared/Auth",
      swiftSettings: strictSettings),
    .target(
      name: "HallServer",
      dependencies: [
        "HallCalendar", "HallContracts", "HallDatabase", "HallAuth", grpcCore, grpcHTTP2,
        grpcProtobuf, lifecycle, unixSignals, logging, postgres, protobuf, argumentParser,
        nioCore, nioPosix, nioSSL, certificateReloading, x509, nioHTTP1, prometheus, tracing,
        otel,
      ],
      path: "Shared/Server",
      swiftSettings: strictSettings),

    // The catalog service.
    .target(
      name: "CatalogService",
      dependencies: [
        "HallCalendar", "HallContracts", "HallDatabase", "HallAuth", "HallServer", grpcCore,
        protobuf, postgres, logging, lifecycle,
      ],
      path: "Services/Catalog/Service",
      swiftSettings: strictSettings),
    .executableTarget(
      name: "hall-catalog",
      dependencies: ["CatalogService", "HallServer", argumentParser],
      path: "Services/Catalog/Main",
      swiftSettings: strictSettings),

    // The intake service.
    .target(
      name: "IntakeService",
      dependencies: [
        "HallCalendar", "HallContracts", "HallDatabase", "HallAuth", "HallServer", grpcCore,
        protobuf, postgres, logging, lifecycle,
      ],
      path: "Services/Intake/Service",
      swiftSettings: strictSettings),
    .executableTarget(
      name: "hall-intake",
      dependencies: ["IntakeService", "HallServer", argumentParser],
      path: "Services/Intake/Main",
      swiftSettings: strictSettings),

    // The rating service.
    .target(
      name: "RatingService",
      dependencies: [
        "HallCalendar", "HallContracts", "HallDatabase", "HallAuth", "HallServer", grpcCore,
        protobuf, postgres, logging, lifecycle,
      ],
      path: "Services/Rating/Service",
      swiftSettings: strictSettings),
    .executableTarget(
      name: "hall-rating",
      dependencies: ["RatingService", "HallServer", argumentParser],
      path: "Services/Rating/Main",
      swiftSettings: strictSettings),

    // The supervision service.
    .target(
      name: "SupervisionService",
      dependencies: [
        "HallCalendar", "HallContracts", "HallDatabase", "HallAuth", "HallServer", grpcCore,
        protobuf, postgres, logging, lifecycle,
      ],
      path: "Services/Supervision/Service",
      swiftSettings: strictSettings),
    .executableTarget(
      name: "hall-supervision",
      dependencies: ["SupervisionService", "HallServer", argumentParser],
      path: "Services/Supervision/Main",
      swiftSettings: strictSettings),

    // The operator's command line: the commands live in a library so the tests can run them
    // against services started in-process; the executable only calls it.
    .target(
      name: "HallctlKit",
      dependencies: [
        "HallAuth", "HallCalendar", "HallContracts", "HallServer", grpcCore, grpcHTTP2, protobuf,
        argumentParser,
      ],
      path: "Services/Hallctl/Kit",
      swiftSettings: strictSettings),
    .executableTarget(
      name: "hallctl",
      dependencies: ["HallctlKit", argumentParser],
      path: "Services/Hallctl/Main",
      swiftSettings: strictSettings),

    // Demonstration data through the contracts: the catalog file and a scripted day of the
    // hall. A library for the same reason as hallctl's; it shares hallctl's connection
    // options, service calls, printing and token minting.
    .target(
      name: "DemoKit",
      dependencies: [
        "HallctlKit", "HallAuth", "HallCalendar", "HallContracts", "HallServer", grpcCore,
        protobuf, argumentParser,
      ],
      path: "Services/Demo/Kit",
      swiftSettings: strictSettings),
    .executableTarget(
      name: "hall-demo",
      dependencies: ["DemoKit", argumentParser],
      path: "Services/Demo/Main",
      swiftSettings: strictSettings),

    // Tests.
    .target(
      name: "HallTestSupport",
      dependencies: [
        "HallCalendar", "HallDatabase", "HallServer", "HallAuth", postgres, logging, lifecycle,
        grpcCore, grpcHTTP2,
      ],
      path: "Tests/Support",
      swiftSettings: strictSettings),
    // Load generators (not tests): `hall-bench <subcommand>`, run by deploy/bench/*.sh.
    .executableTarget(
      name: "hall-bench",
      dependencies: [
        "HallTestSupport", "HallServer", "HallDatabase", "HallAuth", "HallContracts",
        "CatalogService", "IntakeService", "SupervisionService", "HallCalendar", argumentParser,
        grpcCore, grpcHTTP2, postgres, logging, protobuf,
      ],
      path: "Tests/Bench",
      swiftSettings: strictSettings),
    // A catalog and an intake service with a small published catalog, for the suites of the
    // services that stand on intake.
    .target(
      name: "HallFixtures",
      dependencies: [
        "IntakeService", "CatalogService", "RatingService", "SupervisionService",
        "HallTestSupport", "HallContracts", "HallAuth", "HallServer", "HallCalendar", grpcCore,
        grpcHTTP2, protobuf, postgres,
      ],
      path: "Tests/Fixtures",
      swiftSettings: strictSettings),
    .testTarget(
      name: "CalendarTests",
      dependencies: ["HallCalendar"],
      path: "Tests/CalendarTests",
      swiftSettings: strictSettings),
    .testTarget(
      name: "ServerTests",
      dependencies: [
        "HallServer", "HallAuth", "HallContracts", "HallDatabase", "CatalogService",
        "IntakeService", "RatingService", "SupervisionService", grpcCore, protobuf, crypto,
        nioCore, nioPosix, tracing,
        .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
      ],
      path: "Tests/ServerTests",
      swiftSettings: strictSettings),
    .testTarget(
      name: "CatalogTests",
      dependencies: [
        "CatalogService", "HallTestSupport", "HallContracts", "HallAuth", "HallServer",
        "HallDatabase", grpcCore, grpcHTTP2, protobuf, logging, crypto, postgres,
      ],
      path: "Tests/CatalogTests",
      swiftSettings: strictSettings),
    .testTarget(
      name: "IntakeTests",
      dependencies: [
        "IntakeService", "CatalogService", "HallFixtures", "HallTestSupport", "HallContracts",
        "HallAuth", "HallServer", "HallCalendar", grpcCore, grpcHTTP2, protobuf, postgres,
      ],
      path: "Tests/IntakeTests",
      swiftSettings: strictSettings),
    .testTarget(
      name: "RatingTests",
      dependencies: [
        "RatingService", "IntakeService", "CatalogService", "HallFixtures", "HallTestSupport",
        "HallContracts", "HallAuth", "HallServer", "HallCalendar", grpcCore, grpcHTTP2, protobuf,
        postgres,
      ],
      path: "Tests/RatingTests",
      swiftSettings: strictSettings),
    .testTarget(
      name: "HallctlTests",
      dependencies: [
        "HallctlKit", "DemoKit", "SupervisionService", "RatingService", "IntakeService",
        "CatalogService", "HallFixtures", "HallTestSupport", "HallContracts", "HallAuth",
        "HallServer", "HallCalendar", argumentParser, grpcCore, grpcHTTP2, protobuf, postgres,
      ],
      path: "Tests/HallctlTests",
      swiftSettings: strictSettings),
    .testTarget(
      name: "SupervisionTests",
      dependencies: [
        "SupervisionService", "RatingService", "IntakeService", "CatalogService", "HallFixtures",
        "HallTestSupport", "HallContracts", "HallAuth", "HallServer", "HallCalendar", grpcCore,
        grpcHTTP2, protobuf, postgres, logging,
      ],
      path: "Tests/SupervisionTests",
      swiftSettings: strictSettings),
    .testTarget(
      name: "FeedTests",
      dependencies: [
        "HallServer", "HallTestSupport", "HallContracts", "HallDatabase", "HallAuth", grpcCore,
        protobuf, postgres, logging, lifecycle,
      ],
      path: "Tests/FeedTests",
      swiftSettings: strictSettings),
  ]
)
