#include "connectors/database/audit_log.h"

#include <openssl/evp.h>
#include <soci/soci.h>

#include <memory>
#include <stdexcept>

#include "connectors/database/row_cursor.h"

namespace pmbridge {
namespace {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("OpenSSL SHA-256 unavailable");
    }
  }

  void Update(std::string_view bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }

  void Field(std::string_view value) {
    Update("\n");
    Update(std::to_string(value.size()));
    Update(":");
    Update(value);
  }

  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
      hex += kHex[digest[i] >> 4];
      hex += kHex[digest[i] & 0xf];
    }
    return hex;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

}  // namespace

std::string AuditRowHash(const AuditRow& row) {
  Sha256 sha;
  sha.Update("pmbridge-audit-v1");
  sha.Field(row.prev_hash);
  sha.Field(std::to_string(row.seq));
  sha.Field(row.at);
  sha.Field(row.actor);
  sha.Field(row.action);
  sha.Field(row.login_id);
  sha.Field(row.detail);
  return sha.HexDigest();
}

AuditTip ReadAuditTip(soci::session& sql) {
  AuditTip tip;
  long long seq = 0;
  std::string hash;
  sql << "SELECT seq, hash FROM pmbridge_audit ORDER BY seq DESC LIMIT 1", soci::into(seq),
      soci::into(hash);
  if (sql.got_data()) {
    tip.seq = seq;
    tip.hash = hash;
  }
  return tip;
}

AuditChainCheck CheckAuditChain(soci::session& sql, SqlBackend backend) {
  std::unique_ptr<RowCursor> rows = OpenTableCursor(
      sql, backend,
      "SELECT seq, " + TimestampAsText(backend, "at") +
          ", actor, action, login_id, detail, prev_hash, hash FROM pmbridge_audit ORDER BY seq");
  AuditChainCheck check;
  std::string previous_hash;
  while (rows->Next()) {
    AuditRow row{rows->Int(0),
                 std::string(rows->Text(1)),
                 std::string(rows->Text(2)),
                 std::string(rows->Text(3)),
                 std::string(rows->Text(4)),
                 std::string(rows->Text(5)),
                 std::string(rows->Text(6)),
                 std::string(rows->Text(7))};
    ++check.rows;
    if (check.intact && (row.prev_hash != previous_hash || AuditRowHash(row) != row.hash)) {
      check.intact = false;
      check.first_bad_seq = row.seq;
    }
    previous_hash = std::move(row.hash);
  }
  return check;
}

}  // namespace pmbridge
