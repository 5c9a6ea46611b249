import Glibc

/// Which salt a key uses. A salt per cache dir would give two machines different CIDs for the
/// same token or stdin, so they would never share a team cache entry: with a remote configured
/// the salt is the namespace's (`TeamSalt`), and the cache's own only when the team's cannot be
/// had for this call (fail open: that call keys locally and shares nothing).
extension Salt {
    /// For a call that may store: the team's salt, else `<cache>/salt` (made on first need, the
    /// cache dir too), else, if neither can be had or made, an ephemeral one.
    static func forRun(_ location: CacheLocation, remote: RemoteCache?) -> Salt {
        resolve(location, remote: remote, writing: true)
    }

    /// For `key` and `explain`, which write nothing: the salt a run would use if there is one
    /// (the team's may be read from the server, but is not kept), else an ephemeral one, which
    /// makes the CID provisional. A cache dir that does not exist is not made, nor asked about.
    static func forInspection(_ location: CacheLocation, remote: RemoteCache?) -> Salt {
        resolve(location, remote: remote, writing: false)
    }

    /// `remote` is nil without a team cache (or in mode `off`, which never connects).
    private static func resolve(_ location: CacheLocation, remote: RemoteCache?, writing: Bool) -> Salt {
        if let remote, let team = TeamSalt(remote: remote, location: location).salt(writing: writing) { return team }
        return local(location, writing: writing) ?? .ephemeral()
    }
}

/// The team namespace's salt: stored in Redis under `cw:v1:<namespace>:salt` by the first `rw`
/// machine that needs it (`SET NX`: first writer wins, and everyone then uses what `GET` says),
/// fetched once within the lookup deadline, and kept in `<cache>/salt.<id>` (0600), so later calls,
/// hits included, never touch the network for it. `ro` machines only read it.
struct TeamSalt {
    /// The process's client, shared with the lookup, so a first call connects once.
    let remote: RemoteCache
    let location: CacheLocation
    var settings: RemoteSettings { remote.settings }

    /// How long a cache waits before asking again for a salt the namespace does not have yet
    /// (only `ro` machines can find none): without it every salted call, hits included, would ask.
    static let absentRetryMs: Int64 = 60_000

    /// `<cache>/salt.<id>`, the id a digest of endpoint, database and namespace: a cache used with
    /// two servers or namespaces keeps each one's salt apart. The ACL user is left out: `ci` and
    /// `dev` read the same namespace.
    var keptPath: String {
        let endpoint: String
        switch settings.url.endpoint {
        case .tcp(let host, let port): endpoint = "tcp:\(host):\(port)"
        case .unix(let path): endpoint = "unix:\(path)"
        }
        let id = SHA256.hash(Array("cachewrap/v1/team-salt\u{0}\(endpoint)\u{0}\(settings.url.database)\u{0}\(settings.namespace)".utf8))
        return location.directory + "/salt." + Hex.encode(id.prefix(8))
    }

    /// Says when a namespace without a salt may be asked again (milliseconds, as text).
    private var absentPath: String { keptPath + ".absent" }

    /// The kept salt (one open and read); else the server's, kept when `writing`; nil when the
    /// server has none, cannot be reached (the breaker then spares later calls the deadline), or
    /// was found without a salt less than a minute ago.
    func salt(writing: Bool) -> Salt? {
        let origin = Salt.Origin.team(namespace: settings.namespace)
        let path = keptPath
        if let bytes = SaltFile.bytes(at: path) { return Salt(bytes: bytes, origin: origin) }
        var st = stat()
        guard writing || stat(location.directory, &st) == 0, !recentlyAbsent() else { return nil }
        switch remote.namespaceSalt(proposing: writing && settings.mode == .rw ? Salt.randomBytes() : nil) {
        case .found(let bytes):
            guard writing, (try? location.makeDirectory()) != nil, let kept = SaltFile.install(path, bytes) else {
                return Salt(bytes: bytes, origin: origin)
            }
            return Salt(bytes: kept, origin: origin)
        case .absent:
            if writing { noteAbsent() }
            return nil
        case .unavailable:
            return nil
        }
    }

    /// Run by the detached flusher (so never on a user's path): puts the kept salt back when the
    /// server lost it (a restart without persistence, an eviction, FLUSHDB), so machines that join
    /// later take the same one; if another salt won meanwhile, keeps that one from now on, since
    /// the namespace must agree on one (this cache's older entries then merely miss).
    func reconcile() {
        guard let kept = SaltFile.bytes(at: keptPath), case .found(let current) = remote.namespaceSalt(proposing: kept),
              current != kept else { return }
        _ = SaltFile.install(keptPath, current, replacing: true)
    }

    private func recentlyAbsent() -> Bool {
        guard let bytes = FileIO.readFile(absentPath, limit: 32), let until = Int64(String(decoding: bytes, as: UTF8.self)) else {
            return false
        }
        return Clock.nowMs() < until
    }

    /// On a first call the cache dir may not exist yet: it is made, as the local salt will be.
    private func noteAbsent() {
        guard (try? location.makeDirectory()) != nil else { return }
        let fd = open(absentPath, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        FileIO.writeAll(fd, String(Clock.nowMs() + Self.absentRetryMs))
        close(fd)
    }
}

extension RemoteCache {
    enum SaltAnswer {
        case found([UInt8])
        /// No salt there (or not one of 32 bytes, or a refused GET): the caller uses its own.
        case absent
        case unavailable(String)
    }

    /// `GET cw:v1:<namespace>:salt`, after `SET … NX` of `candidate` when given (first writer
    /// wins), in one round trip within the lookup deadline and behind the breaker, like a lookup.
    func namespaceSalt(proposing candidate: [UInt8]?) -> SaltAnswer {
        guard case .go(let ticket) = breaker.permit() else { return .unavailable("the team cache is paused") }
        let key = Array(settings.key(for: "salt").utf8)
        var commands: [[[UInt8]]] = [[Array("GET".utf8), key]]
        if let candidate { commands.insert([Array("SET".utf8), key, candidate, Array("NX".utf8)], at: 0) }
        let replies: [RESPValue]
        do {
            replies = try exchange(commands)
        } catch {
            breaker.recordFailure(error.message, ticket)
            return .unavailable(error.message)
        }
        breaker.recordSuccess(ticket)
        guard case .bulk(let value?) = replies.last, value.count == Salt.size else { return .absent }
        return .found(value)
    }
}
