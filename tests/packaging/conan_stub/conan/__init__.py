"""A stand-in for the parts of Conan 2's API that conan/conanfile.py imports, so that the
recipe can be imported and its set_version() and package_info() run where no Conan client is
installed (tests/packaging/check_conan_recipe.py). Only what those two methods touch behaves."""


class _Options(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def rm_safe(self, name):
        self.pop(name, None)


class _Component:
    def __init__(self):
        self.properties = {}
        self.libs = []
        self.requires = []
        self.defines = []
        self.system_libs = []

    def set_property(self, name, value):
        self.properties[name] = value


class _CppInfo(_Component):
    def __init__(self):
        super().__init__()
        self.components = _Components()


class _Components(dict):
    def __getitem__(self, name):
        if name not in self:
            self[name] = _Component()
        return dict.__getitem__(self, name)


class ConanFile:
    def __init__(self, recipe_folder, options=None, settings=None):
        self.recipe_folder = recipe_folder
        self.options = _Options(dict(self.default_options, **(options or {})))
        self.settings = _Options(settings or {"os": "Linux"})
        self.cpp_info = _CppInfo()
        self.version = None
