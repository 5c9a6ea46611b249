extension Store {
    /// The validators stored with `cid`'s entry (docs/architecture.md, Revalidation); nil when
    /// it has none, or there is no such entry.
    func validator(cid: String) throws(CachewrapError) -> Validator? {
        try wrap { () throws(SQLiteDatabase.Failure) in
            let stmt = try db.prepare("SELECT etag, last_modified FROM entries WHERE cid = ?")
            guard try stmt.bind(.text(cid)).step() else { return nil }
            return Validator(etag: stmt.isNull(0) ? nil : stmt.text(0), lastModified: stmt.isNull(1) ? nil : stmt.text(1))
        }
    }
}
