public import PostgresNIO
public import SwiftProtobuf

/// Protobuf bytes in and out of `bytea` columns.
extension SwiftProtobuf.Message {
  public init(bytea: ByteBuffer) throws {
    try self.init(serializedBytes: Array(buffer: bytea))
  }

  public func bytea() throws -> ByteBuffer {
    ByteBuffer(bytes: try serializedBytes() as [UInt8])
  }
}
