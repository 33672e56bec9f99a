#include "common/index/index_writer.hpp"

#include "common/index/schema.hpp"
#include "common/util/error.hpp"
#include "common/util/version.hpp"

namespace fahras {
namespace {

Xapian::WritableDatabase open_writable(const std::string& path) {
    try {
        return Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
    } catch (const Xapian::DatabaseLockError&) {
        throw Error(path + ": database is locked: another fahras-index is writing to it");
    } catch (const Xapian::Error& e) {
        throw Error(path + ": cannot open database for writing: " + e.get_description());
    }
}

} // namespace

IndexWriter::IndexWriter(const std::string& path, const AnalyzerConfig& analyzer, IndexWriterOptions options)
    : path_(path), db_(open_writable(path)), options_(options) {
    const std::string want_schema = std::to_string(kSchemaVersion);
    const std::string want_analyzer = analyzer.to_metadata();
    const std::string have_schema = db_.get_metadata(std::string(metadata::schema_version));
    const std::string have_analyzer = db_.get_metadata(std::string(metadata::analyzer));
    if (have_schema.empty() && have_analyzer.empty()) {
        if (db_.get_doccount() != 0) {
            throw Error(path + ": not a fahras database (a Xapian database without fahras metadata)");
        }
        db_.set_metadata(std::string(metadata::schema_version), want_schema);
        db_.set_metadata(std::string(metadata::analyzer), want_analyzer);
        db_.set_metadata(std::string(metadata::created_by), std::string(kVersionString));
        return;
    }
    if (have_schema != want_schema) {
        throw Error(
            path + ": database has schema version " + have_schema + ", this fahras-index writes version " +
            want_schema + "; index into a new database"
        );
    }
    if (have_analyzer != want_analyzer) {
        throw Error(
            path + ": database was built with analyzer '" + have_analyzer + "', not '" + want_analyzer +
            "'; use the same --stemmer, or index into a new database"
        );
    }
}

void IndexWriter::add(const std::string& id_term, const Xapian::Document& doc) {
    try {
        if (db_.term_exists(id_term)) ++replaced_;
        db_.replace_document(id_term, doc);
    } catch (const Xapian::Error& e) {
        throw Error(path_ + ": cannot add document: " + e.get_description());
    }
    ++added_;
    if (options_.commit_every != 0 && ++since_commit_ >= options_.commit_every) commit();
}

void IndexWriter::commit() {
    try {
        db_.commit();
    } catch (const Xapian::Error& e) {
        throw Error(path_ + ": commit failed: " + e.get_description());
    }
    since_commit_ = 0;
}

} // namespace fahras
