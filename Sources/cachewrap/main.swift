import CachewrapCore
import Glibc

/// Thin on purpose: all logic lives in CachewrapCore so tests can run it in-process.
exit(Cachewrap.main(Argument.processArguments()))
