#include "common/util/diagnostics.hpp"

#include <ostream>

namespace fahras {

std::string SourceLocation::str() const {
    if (line == 0) return file;
    return file + ":" + std::to_string(line);
}

Diagnostics::Diagnostics(std::string prog, std::ostream& out) : prog_(std::move(prog)), out_(out) {}

void Diagnostics::emit(const SourceLocation* where, std::string_view kind, std::string_view message) {
    if (status_shown_) {
        out_ << "\r\x1b[K";
        status_shown_ = false;
    }
    out_ << prog_ << ": ";
    if (where != nullptr && !where->file.empty()) out_ << where->str() << ": ";
    if (!kind.empty()) out_ << kind << ": ";
    out_ << message << '\n';
    out_.flush();
}

void Diagnostics::error(const SourceLocation& where, std::string_view message) {
    const std::lock_guard lock(mutex_);
    if (++errors_ <= limit_) emit(&where, "", message);
    if (errors_ == limit_ + 1) emit(nullptr, "", "too many errors; the rest are only counted");
}

void Diagnostics::warning(const SourceLocation& where, std::string_view message) {
    const std::lock_guard lock(mutex_);
    if (++warnings_ <= limit_) emit(&where, "warning", message);
    if (warnings_ == limit_ + 1) emit(nullptr, "", "too many warnings; the rest are only counted");
}

void Diagnostics::note(std::string_view message) {
    const std::lock_guard lock(mutex_);
    emit(nullptr, "", message);
}

void Diagnostics::status(std::string_view line) {
    const std::lock_guard lock(mutex_);
    out_ << '\r' << line << "\x1b[K";
    if (line.empty()) out_ << '\r';
    out_.flush();
    status_shown_ = !line.empty();
}

} // namespace fahras
