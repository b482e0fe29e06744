// What the engine runs on: the CPU model from /proc/cpuinfo and the kernel table chosen for it,
// as one line like llama.cpp's system_info ("avx2-vnni kernels · 2 threads · AMD EPYC 7B13 (2 CPUs)").
//
// Source: the kernel's /proc/cpuinfo (arch/x86/kernel/cpu/proc.c: "model name\t: ..." per
// processor; arch/arm64/kernel/cpuinfo.c: "CPU implementer"/"CPU part" per processor, with no
// model name, and on a Raspberry Pi a trailing "Model\t: Raspberry Pi 4 Model B Rev 1.4" from
// its firmware). The Arm part numbers are from Arm's Technical Reference Manuals (MIDR_EL1).
#pragma once

#include "edgert/monitor/reading.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace edgert {

struct CpuInfo {
    std::string model;    ///< "AMD EPYC 7B13", "Arm Cortex-A72 (Raspberry Pi 4 Model B Rev 1.4)"
    int logicalCpus = 0;  ///< "processor" entries
};

/// Parses /proc/cpuinfo text. Unavailable when it names no processor or no model can be told
/// (an unknown Arm part is named by its numbers: "Arm part 0x41:0xd99").
Reading<CpuInfo> parseCpuInfo(std::string_view text);

/// Reads `<root>/proc/cpuinfo` (at most 1 MiB).
Reading<CpuInfo> readCpuInfo(const std::filesystem::path& root = "/");

/// The kernel table this process computes with: "generic", "avx2", "avx2-vnni", "neon" or
/// "neon-dotprod" (EDGERT_KERNELS=generic forces "generic").
std::string_view activeKernelTableName();

/// "<cpu model> (<n> CPUs)", or "CPU unknown (<reason>)" when `<root>/proc/cpuinfo` cannot be read.
std::string cpuDescription(const std::filesystem::path& root = "/");

/// "<table> kernels · <threads> thread(s) · <cpu model> (<n> CPUs)", the CPU part replaced by
/// "CPU unknown (<reason>)" when /proc/cpuinfo cannot be read under `root`.
std::string systemInfoLine(int threads, const std::filesystem::path& root = "/");

}  // namespace edgert
