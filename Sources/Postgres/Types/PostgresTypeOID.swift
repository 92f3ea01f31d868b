/// The built-in type OIDs the row decoder knows (see `pg_type`). User-defined types (enums, their arrays)
/// have OIDs from `firstUserDefined` on.
public enum PostgresTypeOID {
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let name: UInt32 = 19
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let oid: UInt32 = 26
    public static let json: UInt32 = 114
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let unknown: UInt32 = 705
    public static let int2Array: UInt32 = 1005
    public static let int4Array: UInt32 = 1007
    public static let textArray: UInt32 = 1009
    public static let bpcharArray: UInt32 = 1014
    public static let varcharArray: UInt32 = 1015
    public static let int8Array: UInt32 = 1016
    public static let float4Array: UInt32 = 1021
    public static let float8Array: UInt32 = 1022
    public static let bpchar: UInt32 = 1042
    public static let varchar: UInt32 = 1043
    public static let date: UInt32 = 1082
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let interval: UInt32 = 1186
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950
    public static let uuidArray: UInt32 = 2951
    public static let jsonb: UInt32 = 3802
    public static let firstUserDefined: UInt32 = 16384

    static func name(_ oid: UInt32) -> String {
        switch oid {
        case bool: return "bool"
        case bytea: return "bytea"
        case name: return "name"
        case int8: return "int8"
        case int2: return "int2"
        case int4: return "int4"
        case text: return "text"
        case json: return "json"
        case float4: return "float4"
        case float8: return "float8"
        case int4Array: return "int4[]"
        case int8Array: return "int8[]"
        case float4Array: return "float4[]"
        case float8Array: return "float8[]"
        case textArray: return "text[]"
        case varcharArray: return "varchar[]"
        case bpchar: return "bpchar"
        case varchar: return "varchar"
        case date: return "date"
        case timestamp: return "timestamp"
        case timestamptz: return "timestamptz"
        case interval: return "interval"
        case numeric: return "numeric"
        case uuid: return "uuid"
        case uuidArray: return "uuid[]"
        case jsonb: return "jsonb"
        default: return oid >= firstUserDefined ? "user-defined type \(oid)" : "type \(oid)"
        }
    }
}
