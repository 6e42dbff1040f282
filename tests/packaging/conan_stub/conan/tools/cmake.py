class CMake:
    def __init__(self, conanfile):
        self.conanfile = conanfile


class CMakeDeps(CMake):
    pass


class CMakeToolchain(CMake):
    pass


def cmake_layout(conanfile, src_folder="."):
    pass
