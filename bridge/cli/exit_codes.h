// The exit codes of DESIGN.md's command table.
#pragma once

namespace pmbridge {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;           // invalid input, directory or database failure
inline constexpr int kExitChangesPending = 2;  // `plan`: the database is not in sync
inline constexpr int kExitRefused = 3;         // a safety rule refused the change

}  // namespace pmbridge
