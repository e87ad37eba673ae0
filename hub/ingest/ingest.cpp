#include "hub/ingest/ingest.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "hub/ingest/document_check.h"
#include "hub/ingest/model_builder.h"
#include "hub/ingest/r4_types.h"
#include "hub/ingest/xml_to_json.h"
#include "hub/util/strings.h"

namespace reghub::ingest {

namespace {

namespace fs = std::filesystem;

// Wraps a rapidjson Document's SAX interface and refuses nesting deeper
// than the limit (the parse itself is iterative, so depth cannot overflow
// the stack; this bounds what is built). It also notes a string over FHIR's
// 1 MB limit: one comparison per string here, and only such a document is
// walked again to find where (document_check.h).
class DepthLimited {
 public:
  DepthLimited(rapidjson::Document& doc, unsigned maxDepth) : doc_(doc), max_(maxDepth) {}
  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned i) { return doc_.Uint(i); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t i) { return doc_.Uint64(i); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    longString_ = longString_ || n > kMaxFhirStringBytes;
    return doc_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    longString_ = longString_ || n > kMaxFhirStringBytes;
    return doc_.Key(s, n, copy);
  }
  bool StartObject() { return ++depth_ <= max_ && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { --depth_; return doc_.EndObject(n); }
  bool StartArray() { return ++depth_ <= max_ && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { --depth_; return doc_.EndArray(n); }
  bool tooDeep() const { return depth_ > max_; }
  bool longString() const { return longString_; }

 private:
  rapidjson::Document& doc_;
  unsigned max_;
  unsigned depth_ = 0;
  bool longString_ = false;
};

struct JsonError {
  std::string message;
  size_t offset = 0;
};

// What parsing noticed in a document that did parse.
struct ParseNotes {
  bool longString = false;  // a string or member name over kMaxFhirStringBytes
};

// Byte offset of the first invalid UTF-8 sequence, or npos. ASCII (almost
// all FHIR JSON) is skipped eight bytes at a time; this is several times
// faster than rapidjson's per-character kParseValidateEncodingFlag, which
// the parse then does without.
size_t firstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t chunk;
      std::memcpy(&chunk, p + i, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t len = (p[i] & 0xE0) == 0xC0 ? 2 : (p[i] & 0xF0) == 0xE0 ? 3 : (p[i] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > n || util::utf8Length(s.substr(i, len)) != 1) return i;
    i += len;
  }
  return std::string_view::npos;
}

constexpr unsigned kJsonFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseInsituFlag;

// Parses `buffer` in situ (strings point into it; it must outlive `doc`).
bool parseJson(std::string& buffer, rapidjson::Document& doc, unsigned maxDepth, JsonError& err, ParseNotes& notes) {
  if (const size_t bad = firstInvalidUtf8(buffer); bad != std::string_view::npos) {
    err.offset = bad;
    err.message = "invalid UTF-8 (FHIR JSON must be UTF-8)";
    return false;
  }
  rapidjson::InsituStringStream is(buffer.data());
  rapidjson::Reader reader;
  bool tooDeep = false;
  auto generator = [&](rapidjson::Document& target) {
    DepthLimited handler(target, maxDepth);
    const bool ok = !reader.Parse<kJsonFlags>(is, handler).IsError();
    tooDeep = handler.tooDeep();
    notes.longString = handler.longString();
    return ok;
  };
  doc.Populate(generator);
  if (!reader.HasParseError()) return true;
  err.offset = reader.GetErrorOffset();
  err.message = tooDeep ? "JSON nested deeper than " + std::to_string(maxDepth) + " levels"
                        : std::string(rapidjson::GetParseError_En(reader.GetParseErrorCode()));
  return false;
}

bool isBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// 1-based line and column of a byte offset.
std::pair<int, int> lineColumn(std::string_view bytes, size_t offset) {
  int line = 1, col = 1;
  for (size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

enum class Format { kUnknown, kJson, kNdjson, kXml };

Format byName(std::string_view name, std::string_view contentType) {
  if (contentType.find("ndjson") != std::string_view::npos) return Format::kNdjson;
  if (contentType.find("xml") != std::string_view::npos) return Format::kXml;
  if (contentType.find("json") != std::string_view::npos) return Format::kJson;
  if (util::endsWith(name, ".ndjson") || util::endsWith(name, ".jsonl")) return Format::kNdjson;
  if (util::endsWith(name, ".xml")) return Format::kXml;
  if (util::endsWith(name, ".json")) return Format::kJson;
  return Format::kUnknown;
}

}  // namespace

// Where a document can be read again (a provisional citizen retracted).
struct DocRef {
  std::string path;            // a file; empty for a buffer
  const char* base = nullptr;  // a buffer (readBuffer's bytes)
  long offset = 0;
  size_t length = 0;
  Format format = Format::kJson;
};
// As kept for every document of a run: the file by number (one per citizen
// of a whole population, so a few bytes each).
struct KeptDocRef {
  const char* base = nullptr;  // a buffer; null: the file paths_[path - 1]
  int64_t offset = 0;
  uint32_t length = 0;
  uint32_t path = 0;  // index in paths_ + 1: the file, or the buffer's name
  int32_t line = 0;   // as in diagnostics
  Format format = Format::kJson;
};

class Ingestor::Impl {
 public:
  Impl(Observer& observer, const diag::Reporter& reporter, Limits limits)
      : observer_(observer),
        reporter_(reporter),
        limits_(limits),
        builder_(reporter, [this](model::Citizen&& c) { observer_.onCitizen(std::move(c)); },
                 AssemblyOptions{limits.memoryBudgetBytes},
                 observer.collectsResources()
                     ? ModelBuilder::Collect([this](state::ResourceRecord&& r) { observer_.onResource(std::move(r)); })
                     : ModelBuilder::Collect()) {
    if (observer.takesProvisional() && !observer.collectsResources())
      builder_.enableProvisional(ModelBuilder::Provisional{
          [this](model::Citizen&& c, uint64_t tag) { observer_.onProvisional(std::move(c), tag); },
          [this](uint64_t tag) { observer_.onRetract(tag); }, [this](uint64_t tag) { observer_.onCommit(tag); },
          [this](uint64_t id, const std::function<void(const rapidjson::Value&, const std::string&, int)>& fn) {
            reread(id, fn);
          }});
  }

  void readPath(const std::string& path);
  void readBuffer(std::string_view name, std::string_view bytes, std::string_view contentType);
  void finish() { builder_.finish(); }

  bool unreadable = false;
  ModelBuilder& builder() { return builder_; }

 private:
  void readFile(const std::string& path, bool fromDirectory);
  void readStream(std::FILE* f, const std::string& name, Format format);
  void readNdjson(std::FILE* f, const std::string& name, std::string firstLine, int firstLineNo);
  void document(std::string_view bytes, const std::string& name, int line, Format format, bool ndjsonLine,
                const DocRef* ref = nullptr);
  void reread(uint64_t docId, const std::function<void(const rapidjson::Value&, const std::string&, int)>& fn);
  void fail(const std::string& file, int line, int column, const std::string& rule, const std::string& message,
            const std::string& path = {}) {
    unreadable = true;
    diag::Reporter out = reporter_.withFile(file, line).withLine(line, column);
    if (!path.empty()) out = out.withPath(path);
    out.error(rule, "", message);
  }
  bool refuseIfNotFhir(const rapidjson::Document& doc, const std::string& name, int line, bool longString);
  // Reads one line (without the newline). Returns false at EOF with nothing
  // read. A line over the limit is skipped to its end and flagged.
  bool readLine(std::FILE* f, std::string& line, bool& tooLong);

  Observer& observer_;
  diag::Reporter reporter_;
  Limits limits_;
  ModelBuilder builder_;
  std::vector<KeptDocRef> docs_;  // documents that can be read again (docId = index + 1)
  std::vector<std::string> paths_;
  long lineOffset_ = -1;      // file offset of the line readLine() read last
  std::string buffer_;  // in-situ parse buffer, reused
  std::vector<char> poolBuffer_ = std::vector<char>(256u << 10);  // DOM pool, reused
};

void Ingestor::Impl::readPath(const std::string& path) {
  if (path == "-") {
    readStream(stdin, "-", Format::kUnknown);
    return;
  }
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    fail(path, 0, 0, "HUB-INGEST-01", "cannot read '" + path + "': no such file or directory; check the path");
    return;
  }
  if (fs::is_directory(st)) {
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string fname = it->path().filename().string();
      if (!fname.empty() && fname[0] == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& p : files) readFile(p.string(), true);
    return;
  }
  readFile(path, false);
}

void Ingestor::Impl::readFile(const std::string& path, bool fromDirectory) {
  const Format format = byName(path, {});
  if (fromDirectory && format == Format::kUnknown) {
    reporter_.withFile(path).info("HUB-INGEST-10", "",
                                  "not read: only .json, .ndjson and .xml files are read from a directory");
    return;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    fail(path, 0, 0, "HUB-INGEST-01", "cannot open '" + path + "': " + std::strerror(errno));
    return;
  }
  readStream(f.get(), path, format);
}

bool Ingestor::Impl::readLine(std::FILE* f, std::string& line, bool& tooLong) {
  lineOffset_ = std::ftell(f);
  line.clear();
  tooLong = false;
  bool any = false;
  char buf[64 * 1024];
  while (std::fgets(buf, sizeof buf, f)) {
    any = true;
    const size_t n = std::strlen(buf);
    const bool eol = n > 0 && buf[n - 1] == '\n';
    if (!tooLong) {
      line.append(buf, eol ? n - 1 : n);
      if (line.size() > limits_.maxDocumentBytes) {
        tooLong = true;
        line.clear();
        line.shrink_to_fit();
      }
    }
    if (eol) break;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return any;
}

void Ingestor::Impl::readStream(std::FILE* f, const std::string& name, Format format) {
  // NDJSON is read line by line; JSON and XML documents whole (bounded by
  // the size limit). Unknown format (stdin): sniff the first line.
  std::string line;
  bool tooLong = false;
  int lineNo = 0;
  if (format == Format::kNdjson || format == Format::kUnknown) {
    // Skip leading blank lines.
    while (readLine(f, line, tooLong)) {
      ++lineNo;
      if (tooLong || !util::trim(line).empty()) break;
    }
    if (lineNo == 0 || (!tooLong && util::trim(line).empty())) {
      fail(name, 0, 0, "HUB-INGEST-05", "the input is empty; expected FHIR JSON, NDJSON or XML");
      return;
    }
    if (format == Format::kNdjson) {
      readNdjson(f, name, std::move(line), lineNo);
      return;
    }
    // Sniff: '<' = XML; a first line that is a whole JSON value = NDJSON.
    const std::string t = util::trim(line);
    if (!tooLong && !t.empty() && t[0] == '<') {
      format = Format::kXml;
    } else if (!tooLong) {
      rapidjson::Document probe;
      JsonError err;
      std::string copy = t;
      ParseNotes ignored;
      if (parseJson(copy, probe, limits_.maxDepth, err, ignored) && probe.IsObject()) {
        readNdjson(f, name, std::move(line), lineNo);
        return;
      }
      format = Format::kJson;
    } else {
      format = Format::kJson;
    }
  }
  // Whole document: the lines already read plus the rest, up to the limit.
  std::string bytes;
  if (lineNo > 0) {
    bytes.assign(static_cast<size_t>(lineNo - 1), '\n');  // keep line numbers right
    bytes += line;
    bytes += '\n';
  }
  char buf[64 * 1024];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (bytes.size() + n > limits_.maxDocumentBytes) {
      fail(name, 0, 0, "HUB-INGEST-06",
           "document larger than " + std::to_string(limits_.maxDocumentBytes >> 20) +
               " MiB; split it, or send NDJSON with one Bundle per citizen per line");
      return;
    }
    bytes.append(buf, n);
  }
  if (std::ferror(f)) {
    fail(name, 0, 0, "HUB-INGEST-01", "read error on '" + name + "'");
    return;
  }
  if (util::trim(bytes).empty()) {
    fail(name, 0, 0, "HUB-INGEST-05", "the input is empty; expected FHIR JSON, NDJSON or XML");
    return;
  }
  if (format == Format::kUnknown) format = util::trim(bytes)[0] == '<' ? Format::kXml : Format::kJson;
  // A named file read whole can be read again; stdin and sniffed input not.
  DocRef ref{name, nullptr, 0, bytes.size(), format};
  document(bytes, name, 0, format, false, lineNo == 0 && name != "-" ? &ref : nullptr);
}

void Ingestor::Impl::readNdjson(std::FILE* f, const std::string& name, std::string firstLine, int firstLineNo) {
  std::string line = std::move(firstLine);
  bool tooLong = false;
  int lineNo = firstLineNo;
  do {
    DocRef ref{name, nullptr, lineOffset_, line.size(), Format::kJson};
    const DocRef* again = name != "-" && lineOffset_ >= 0 ? &ref : nullptr;
    if (tooLong) {
      fail(name, lineNo, 0, "HUB-INGEST-06",
           "line longer than " + std::to_string(limits_.maxDocumentBytes >> 20) +
               " MiB; send one Bundle per citizen per line");
    } else if (!isBlank(line)) {
      document(line, name, lineNo, Format::kJson, true, again);
    }
    ++lineNo;
  } while (readLine(f, line, tooLong));
}

void Ingestor::Impl::document(std::string_view bytes, const std::string& name, int line, Format format,
                              bool ndjsonLine, const DocRef* ref) {
  // The DOM lives in a pool over a buffer reused from document to document:
  // no malloc per NDJSON line for the usual sizes (measured: allocation was
  // the largest single cost of ingest after parsing).
  rapidjson::MemoryPoolAllocator<> pool(poolBuffer_.data(), poolBuffer_.size());
  rapidjson::Document doc(&pool);
  ParseNotes notes;
  if (format == Format::kXml) {
    XmlError err;
    size_t longest = 0;
    if (!xmlToFhirJson(bytes, doc, err, limits_.maxDepth, &longest)) {
      fail(name, err.line, err.column, "HUB-INGEST-03", "not acceptable FHIR XML: " + err.message);
      return;
    }
    notes.longString = longest > kMaxFhirStringBytes;
  } else {
    JsonError err;
    // In-situ parsing needs a NUL-terminated, writable copy; the buffer is
    // reused from line to line. (InsituStringStream stops at NUL, so a NUL
    // byte in the input is an error, as it must be in JSON.)
    buffer_.assign(bytes.data(), bytes.size());
    if (buffer_.find('\0') != std::string::npos) {
      fail(name, line, static_cast<int>(buffer_.find('\0')) + 1, "HUB-INGEST-02", "malformed JSON: NUL byte in the input");
      return;
    }
    if (!parseJson(buffer_, doc, limits_.maxDepth, err, notes)) {
      auto [l, c] = lineColumn(bytes, err.offset);
      if (ndjsonLine) {
        c = static_cast<int>(err.offset) + 1;
        l = line;
      }
      fail(name, l, c, "HUB-INGEST-02",
           "malformed JSON: " + err.message + (ndjsonLine ? " (NDJSON: one JSON object per line)" : ""));
      return;
    }
  }
  if (!doc.IsObject() || !doc.HasMember("resourceType") || !doc["resourceType"].IsString()) {
    fail(name, line, 0, "HUB-INGEST-04",
         "not FHIR: the document has no \"resourceType\"; expected a FHIR R4 Bundle or resource");
    return;
  }
  if (refuseIfNotFhir(doc, name, line, notes.longString)) return;
  SourceDocument src{&doc, name, line};
  observer_.onSource(src);
  uint64_t docId = 0;
  // Kept only for a Bundle that may yet be handed over whole (one entry per
  // document, for the whole run).
  if (ref && builder_.mayEmitWhole() && ref->length <= UINT32_MAX && std::string_view(doc["resourceType"].GetString()) == "Bundle") {
    if (paths_.empty() || paths_.back() != name) paths_.push_back(name);
    docs_.push_back({ref->base, ref->offset, static_cast<uint32_t>(ref->length), static_cast<uint32_t>(paths_.size()),
                     line, ref->format});
    docId = docs_.size();
  }
  builder_.addDocument(doc, name, line, bytes.size(), docId);
}

// Reads a document again and hands its root to `fn` (the document was read
// once already, so a failure now is I/O, not bad input).
void Ingestor::Impl::reread(uint64_t docId,
                            const std::function<void(const rapidjson::Value&, const std::string&, int)>& fn) {
  const KeptDocRef& r = docs_.at(docId - 1);
  const std::string& path = paths_.at(r.path - 1);
  std::string bytes;
  if (r.base) {
    bytes.assign(r.base + r.offset, r.length);
  } else {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    bytes.resize(r.length);
    if (!f || std::fseek(f.get(), static_cast<long>(r.offset), SEEK_SET) != 0 ||
        std::fread(bytes.data(), 1, r.length, f.get()) != r.length)
      throw std::runtime_error("cannot read " + path + " again (changed or removed while reading?)");
  }
  rapidjson::Document doc;
  if (r.format == Format::kXml) {
    XmlError err;
    if (!xmlToFhirJson(bytes, doc, err, limits_.maxDepth, nullptr))
      throw std::runtime_error("cannot read " + path + " again: " + err.message);
  } else {
    JsonError err;
    ParseNotes notes;
    if (!parseJson(bytes, doc, limits_.maxDepth, err, notes))
      throw std::runtime_error("cannot read " + path + " again: " + err.message);
  }
  fn(doc, path, r.line);
}

// A resourceType that is not R4, or a string over 1 MB, makes the document
// not FHIR: it is refused whole, as malformed JSON is (exit 2), so nothing
// half-read reaches a registry (docs/DIAGNOSTICS.md HUB-INGEST-04/-07).
bool Ingestor::Impl::refuseIfNotFhir(const rapidjson::Document& doc, const std::string& name, int line,
                                     bool longString) {
  std::vector<DocumentProblem> problems = checkResourceTypes(doc);
  if (longString) {
    std::vector<DocumentProblem> more = findOversizedStrings(doc);
    problems.insert(problems.end(), more.begin(), more.end());
  }
  for (const DocumentProblem& p : problems) fail(name, line, 0, p.rule, p.message, p.path);
  return !problems.empty();
}

void Ingestor::Impl::readBuffer(std::string_view name, std::string_view bytes, std::string_view contentType) {
  const std::string n(name);
  Format format = byName(n, contentType);
  const std::string trimmed = util::trim(bytes.substr(0, std::min<size_t>(bytes.size(), 4096)));
  if (trimmed.empty()) {
    fail(n, 0, 0, "HUB-INGEST-05", "the input is empty; expected FHIR JSON, NDJSON or XML");
    return;
  }
  if (format == Format::kUnknown) format = trimmed[0] == '<' ? Format::kXml : Format::kJson;
  if (bytes.size() > limits_.maxDocumentBytes && format != Format::kNdjson) {
    fail(n, 0, 0, "HUB-INGEST-06", "document too large; send NDJSON with one Bundle per citizen per line");
    return;
  }
  if (format != Format::kNdjson) {
    const DocRef ref{std::string(), bytes.data(), 0, bytes.size(), format};
    document(bytes, n, 0, format, false, &ref);
    return;
  }
  int lineNo = 0;
  size_t pos = 0;
  while (pos <= bytes.size()) {
    size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    ++lineNo;
    std::string_view l = bytes.substr(pos, end - pos);
    const DocRef ref{std::string(), bytes.data(), static_cast<long>(pos), l.size(), Format::kJson};
    if (!isBlank(l)) document(l, n, lineNo, Format::kJson, true, &ref);
    pos = end + 1;
  }
}

Ingestor::Ingestor(Observer& observer, const diag::Reporter& reporter, Limits limits)
    : impl_(std::make_unique<Impl>(observer, reporter, limits)) {}
Ingestor::~Ingestor() = default;
void Ingestor::readPath(const std::string& path) { impl_->readPath(path); }
void Ingestor::readBuffer(std::string_view name, std::string_view bytes, std::string_view contentType) {
  impl_->readBuffer(name, bytes, contentType);
}
void Ingestor::finish() { impl_->finish(); }
bool Ingestor::unreadable() const { return impl_->unreadable; }
size_t Ingestor::citizensEmitted() const { return impl_->builder().emitted(); }
void assembleRecords(const std::vector<state::ResourceRecord>& records, const std::set<std::string>& fresh,
                     const diag::Reporter& reporter, Observer& observer) {
  ModelBuilder builder(reporter, [&observer](model::Citizen&& c) { observer.onCitizen(std::move(c)); });
  for (const auto& r : records) builder.addRecord(r, fresh.count(r.key) > 0);
  builder.finish();
}

size_t Ingestor::resourcesSpilled() const { return impl_->builder().spilled(); }

}  // namespace reghub::ingest
