def check_min_cppstd(conanfile, cppstd):
    pass


def can_run(conanfile):
    return True
