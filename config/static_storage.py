"""Static files as production serves them: hashed names, compressed, ES modules importing by hashed names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

# `import { a, b } from "./module.mjs";`, as the attempt page's modules write their imports.
MODULE_IMPORT = (
    r"""(?P<matched>import(?P<names>\s*\{[^}]*\})\s*from\s*["'](?P<url>\./[^"']+\.mjs)["']\s*;)""",
    """import%(names)s from "%(url)s";""",
)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, which also names the modules an ES module imports by their hashed names.

    The attempt page loads attempt.<hash>.mjs; if that imported "./save-queue.mjs" by its
    plain name, a browser could pair the new page script with an old queue it cached
    before a deploy."""

    patterns = (*CompressedManifestStaticFilesStorage.patterns, ("*.mjs", (MODULE_IMPORT,)))
