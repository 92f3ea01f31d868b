import COpenSSL
import Foundation

/// One file of `Migrations/`: `NNNN_snake_case.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let fileName: String
    public let sql: String
    /// SHA-256 of the file's bytes, hex; recorded when applied so that a later edit is caught.
    public let checksum: String

    public init(version: Int, name: String, fileName: String, sql: String, checksum: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
        self.checksum = checksum
    }

    /// Reads every `*.sql` file in `directory`, sorted by version. A file whose name does not follow
    /// `NNNN_snake_case.sql`, or two files with one version, is an error naming the file.
    public static func load(directory: String) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationError("cannot read migrations directory \(directory): \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0,
                parts[1].allSatisfy({ $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) })
            else {
                throw MigrationError("\(directory)/\(fileName): expected a name like 0001_snake_case.sql")
            }
            let path = "\(directory)/\(fileName)"
            guard let data = FileManager.default.contents(atPath: path), let sql = String(data: data, encoding: .utf8)
            else {
                throw MigrationError("\(path): cannot read it as UTF-8")
            }
            if let previous = migrations.last, previous.version == version {
                throw MigrationError("\(previous.fileName) and \(fileName) have the same version \(version)")
            }
            migrations.append(
                Migration(
                    version: version, name: String(parts[1]), fileName: fileName, sql: sql, checksum: sha256(data)))
        }
        return migrations
    }

    static func sha256(_ data: Data) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBytes { raw in
            _ = SHA256(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, &digest)
        }
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// A migration problem: an edited or missing applied file, a bad file name, or a file that failed to apply.
public struct MigrationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
