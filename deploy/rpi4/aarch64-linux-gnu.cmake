# CMake toolchain file: cross-build edge-rt for the Raspberry Pi 4 (Cortex-A72, aarch64) on a
# Debian 12 x86-64 machine with Debian's cross compiler and multiarch arm64 libraries.
#
#   apt-get install g++-aarch64-linux-gnu qemu-user-static
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install qt6-base-dev:arm64 libtomlplusplus-dev:arm64 libpcre2-dev:arm64
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=deploy/rpi4/aarch64-linux-gnu.cmake \
#         -DCMAKE_BUILD_TYPE=Release -DEDGERT_BUILD_GUI=OFF -DEDGERT_BUILD_BENCH=OFF
#   cmake --build build-aarch64 -j2
#   ctest --test-dir build-aarch64        # runs each test under qemu-aarch64-static -cpu cortex-a72
#
# No sysroot: Debian multiarch installs arm64 libraries in /usr/lib/aarch64-linux-gnu beside the
# amd64 ones and shares /usr/include, so the cross compiler finds them in place. Qt's host tools
# (moc) come from the build machine's own Qt 6 (QT_HOST_PATH). The GUI (edge-rt-dashboard) needs
# the arm64 Qt Charts/SVG/QCoro development packages too; build it natively on the Pi instead
# (deploy/rpi4/install.sh), see deploy/rpi4/README.md.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Tune and select instructions for the Pi 4's Cortex-A72 (ARMv8.0-A + CRC, NEON, no dotprod).
# The dotprod kernels carry their own target attribute and are only called when the CPU has it.
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-a72")
set(CMAKE_CXX_FLAGS_INIT "-mcpu=cortex-a72")

# Programs (moc, rcc) from the build machine; libraries, headers and CMake packages for the
# target from the multiarch paths (/usr/lib/aarch64-linux-gnu/cmake/Qt6, ...).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(QT_HOST_PATH /usr CACHE PATH "Qt 6 host tools prefix (moc, rcc)")

# ctest and add_custom_command run target programs under user-mode emulation, as a Cortex-A72
# (no dotprod), so the NEON path the Pi uses is the one exercised. QEMU_CPU overrides the CPU.
find_program(EDGERT_QEMU_AARCH64 qemu-aarch64-static)
if(EDGERT_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${EDGERT_QEMU_AARCH64} -cpu cortex-a72)
endif()
