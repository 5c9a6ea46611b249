import Glibc

/// Outputs are shared by every entry with the same content (`Store.save`): one goes when the
/// last entry pointing at it goes, with its blob file.
extension Store {
    /// Deletes every output no entry points at any more (after removals), with their files.
    func dropOrphanOutputs() throws(SQLiteDatabase.Failure) {
        try dropOutputs(where: "NOT EXISTS (SELECT 1 FROM entries WHERE output_id = outputs.id)", [])
    }

    /// Deletes one output if nothing points at it: the cheap form for a single replaced entry.
    func dropOutputIfOrphan(_ id: Int64) throws(SQLiteDatabase.Failure) {
        try dropOutputs(where: "id = ?1 AND NOT EXISTS (SELECT 1 FROM entries WHERE output_id = ?1)", [.int(id)])
    }

    /// Deletes matching outputs; the blob files of large ones go too. A file whose removal
    /// fails is only space: `gc` sweeps files no row names.
    private func dropOutputs(where condition: String, _ values: [SQLiteValue?]) throws(SQLiteDatabase.Failure) {
        let files = try db.prepare("SELECT hash FROM outputs WHERE frames IS NULL AND \(condition)")
        try files.bind(values: values)
        var paths: [String] = []
        while try files.step() { paths.append(blobPath(files.blob(0))) }
        try db.prepare("DELETE FROM outputs WHERE \(condition)").bind(values: values).run()
        for path in paths { unlink(path) }
    }
}
