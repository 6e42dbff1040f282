def load(conanfile, path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def copy(conanfile, pattern, src, dst, **kwargs):
    pass


def rmdir(conanfile, path):
    pass
