# Writes build_info.h (cmake -P, at every build): the version, the git
# commit of the source tree and the build type. configure_file leaves the
# file alone when nothing changed, so nothing rebuilds needlessly.
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
  OUTPUT_VARIABLE JIWON_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE git_failed ERROR_QUIET)
if(git_failed OR JIWON_COMMIT STREQUAL "")
  set(JIWON_COMMIT "unknown")
else()
  execute_process(COMMAND git -C "${SOURCE_DIR}" status --porcelain
    --untracked-files=no OUTPUT_VARIABLE changes ERROR_QUIET)
  if(NOT changes STREQUAL "")
    string(APPEND JIWON_COMMIT "+dirty")
  endif()
endif()
set(JIWON_VERSION "${VERSION}")
set(JIWON_BUILD_TYPE "${BUILD_TYPE}")
if(JIWON_BUILD_TYPE STREQUAL "")
  set(JIWON_BUILD_TYPE "default")
endif()
configure_file("${SOURCE_DIR}/cmake/build_info.h.in" "${OUT}" @ONLY)
