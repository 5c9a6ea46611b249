import Glibc

/// errno values for code that should not import Glibc just to compare them.
let ENOENT_CODE = ENOENT
let EACCES_CODE = EACCES
let ENOEXEC_CODE = ENOEXEC
