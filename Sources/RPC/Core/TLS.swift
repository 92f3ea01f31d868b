import COpenSSL
import Foundation

/// TLS settings for a server or a client, as an OpenSSL context (TLS 1.2 and 1.3, ALPN h2). A server's context
/// can be reloaded from its files (SIGHUP): new connections use the new certificate, open ones keep theirs.
public final class TLSContext: @unchecked Sendable {  // unchecked: the SSL_CTX pointer is swapped only under `lock`
    private var context: OpaquePointer
    private let lock = NSLock()
    let isServer: Bool
    /// The name a client verifies the server's certificate against (and sends as SNI).
    let serverName: String?
    private let serverFiles: (chain: String, key: String, clientCA: String?)?

    /// A server: certificate chain and key in PEM files; with `clientCAFile`, clients must present a certificate
    /// signed by it (mutual TLS).
    public init(certificateChainFile: String, privateKeyFile: String, clientCAFile: String? = nil) throws {
        context = try Self.serverContext(certificateChainFile, privateKeyFile, clientCAFile)
        isServer = true
        serverName = nil
        serverFiles = (certificateChainFile, privateKeyFile, clientCAFile)
    }

    /// Reads the server's files again; connections accepted from now on use them. A file that does not load
    /// leaves the current certificate in place and throws why.
    public func reload() throws {
        guard let files = serverFiles else { return }
        let fresh = try Self.serverContext(files.chain, files.key, files.clientCA)
        lock.lock()
        let old = context
        context = fresh
        lock.unlock()
        SSL_CTX_free(old)  // connections made from it hold their own reference
    }

    /// A new SSL object from the current context.
    func makeSSL() -> OpaquePointer? {
        lock.lock()
        defer { lock.unlock() }
        return SSL_new(context)
    }

    private static func serverContext(_ certificateChainFile: String, _ privateKeyFile: String, _ clientCAFile: String?)
        throws
        -> OpaquePointer
    {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSError.openSSL("SSL_CTX_new") }
        var done = false
        defer { if !done { SSL_CTX_free(context) } }
        _ = herald_ssl_ctx_set_min_proto_version(context, TLS1_2_VERSION)
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainFile) == 1 else {
            throw TLSError.openSSL("cannot load the certificate chain \(certificateChainFile)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyFile, SSL_FILETYPE_PEM) == 1,
            SSL_CTX_check_private_key(context) == 1
        else {
            throw TLSError.openSSL(
                "cannot load the private key \(privateKeyFile) (or it does not match the certificate)")
        }
        if let clientCAFile {
            guard SSL_CTX_load_verify_locations(context, clientCAFile, nil) == 1 else {
                throw TLSError.openSSL("cannot load the client CA \(clientCAFile)")
            }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }
        herald_ssl_ctx_select_h2(context)
        done = true
        return context
    }

    /// A client: trusts `caFile` and verifies that the server's certificate names `serverName`; with a certificate
    /// and key, presents them (mutual TLS).
    public init(caFile: String, serverName: String, certificateChainFile: String? = nil, privateKeyFile: String? = nil)
        throws
    {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw TLSError.openSSL("SSL_CTX_new") }
        self.context = context
        isServer = false
        self.serverName = serverName
        serverFiles = nil
        _ = herald_ssl_ctx_set_min_proto_version(context, TLS1_2_VERSION)
        guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
            throw TLSError.openSSL("cannot load the CA \(caFile)")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let certificateChainFile, let privateKeyFile {
            guard SSL_CTX_use_certificate_chain_file(context, certificateChainFile) == 1,
                SSL_CTX_use_PrivateKey_file(context, privateKeyFile, SSL_FILETYPE_PEM) == 1
            else { throw TLSError.openSSL("cannot load the client certificate \(certificateChainFile)") }
        }
        var protocols: [UInt8] = [2, 0x68, 0x32]  // "h2"
        _ = SSL_CTX_set_alpn_protos(context, &protocols, UInt32(protocols.count))
    }

    deinit { SSL_CTX_free(context) }
}

enum TLSError: Error, CustomStringConvertible {
    case openSSL(String)

    var description: String {
        switch self {
        case .openSSL(let what):
            let code = ERR_get_error()
            if code == 0 { return what }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            return "\(what): \(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
        }
    }
}

/// One TLS connection over memory BIOs: ciphertext from the socket goes in through `receive`, plaintext comes out
/// to the HTTP/2 session; plaintext from the session goes in through `send`, ciphertext comes out of
/// `takeCiphertext` for the socket.
///
/// - Important: confined to its connection's loop.
final class TLSConnection {
    private let ssl: OpaquePointer
    private let input: OpaquePointer  // BIO the socket's bytes are written to
    private let output: OpaquePointer  // BIO the bytes for the socket are read from
    /// When the handshake finished; nil until it has.
    private(set) var handshakeCompletedAt: ContinuousClock.Instant?
    var handshakeDone: Bool { handshakeCompletedAt != nil }
    /// Decrypted bytes, reused by every `receive`.
    private var plaintextBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// Plaintext sent before the handshake finished.
    private var early: [UInt8] = []

    init(_ context: TLSContext) throws {
        guard let ssl = context.makeSSL(), let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            throw TLSError.openSSL("SSL_new")
        }
        self.ssl = ssl
        self.input = input
        self.output = output
        SSL_set_bio(ssl, input, output)  // the SSL owns both BIOs from here on
        if context.isServer {
            SSL_set_accept_state(ssl)
        } else {
            SSL_set_connect_state(ssl)
            if let name = context.serverName {
                var address = in_addr()
                if inet_pton(AF_INET, name, &address) == 1 {
                    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name)  // an IP address: no SNI, check the IP SAN
                } else {
                    _ = herald_ssl_set_tlsext_host_name(ssl, name)
                    SSL_set1_host(ssl, name)
                }
            }
            _ = SSL_do_handshake(ssl)  // the ClientHello
        }
    }

    deinit { SSL_free(ssl) }

    /// Feeds ciphertext; `plaintext` gets what it decrypts to. Throws when the handshake or a record fails.
    func receive(_ ciphertext: UnsafeRawBufferPointer, _ plaintext: (UnsafeRawBufferPointer) throws -> Void) throws {
        var offset = 0
        while offset < ciphertext.count {
            let written = BIO_write(input, ciphertext.baseAddress! + offset, Int32(ciphertext.count - offset))
            guard written > 0 else { throw TLSError.openSSL("BIO_write") }
            offset += Int(written)
        }
        if !handshakeDone {
            let result = SSL_do_handshake(ssl)
            if result == 1 {
                handshakeCompletedAt = .now
                if !early.isEmpty {
                    let queued = early
                    early = []
                    try send(queued)
                }
            } else {
                let error = SSL_get_error(ssl, result)
                guard error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE else {
                    throw TLSError.openSSL("TLS handshake failed")
                }
                return
            }
        }
        while true {
            let count = plaintextBuffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                try plaintextBuffer.withUnsafeBytes {
                    try plaintext(UnsafeRawBufferPointer(rebasing: $0[0..<Int(count)]))
                }
                continue
            }
            let error = SSL_get_error(ssl, count)
            if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return }
            if error == SSL_ERROR_ZERO_RETURN { throw TLSError.openSSL("the peer closed the TLS session") }
            throw TLSError.openSSL("TLS read failed")
        }
    }

    /// The subject of the peer's verified certificate (`CN=...`), once the handshake is done; nil without one.
    var peerSubject: String? {
        guard handshakeDone, let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        guard let name = X509_get_subject_name(certificate), let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        X509_NAME_print_ex(bio, name, 0, HERALD_XN_FLAG_RFC2253)
        var text = [UInt8](repeating: 0, count: 1024)
        let count = BIO_read(bio, &text, Int32(text.count))
        return count > 0 ? String(decoding: text[0..<Int(count)], as: UTF8.self) : nil
    }

    /// Encrypts plaintext for the peer (held back until the handshake is done).
    func send(_ plaintext: [UInt8]) throws {
        guard !plaintext.isEmpty else { return }
        guard handshakeDone else {
            early += plaintext
            return
        }
        var offset = 0
        while offset < plaintext.count {
            let written = plaintext.withUnsafeBytes {
                SSL_write(ssl, $0.baseAddress! + offset, Int32(plaintext.count - offset))
            }
            guard written > 0 else { throw TLSError.openSSL("TLS write failed") }
            offset += Int(written)
        }
    }

    /// Moves the ciphertext waiting for the socket to the end of `out`.
    func takeCiphertext(into out: inout [UInt8]) {
        while true {
            let pending = Int(BIO_ctrl(output, BIO_CTRL_PENDING, 0, nil))
            guard pending > 0 else { return }
            let start = out.count
            out += [UInt8](repeating: 0, count: pending)
            let read = out.withUnsafeMutableBytes { BIO_read(output, $0.baseAddress! + start, Int32(pending)) }
            out.removeLast(pending - Int(max(read, 0)))
            if read <= 0 { return }
        }
    }
}
