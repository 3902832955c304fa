// Package pycompat reproduces, byte for byte, the Python behaviours that
// upstream's outputs and input parsing depend on: str.strip(), repr() of
// strings, sets and dicts, str() and json.dumps() of values, repr(float),
// universal newlines, Path.resolve(strict=False), and tempfile's
// gettempdir() and mkstemp(). It is its one job: everything that answers
// "what would huggingface_hub's Python have done here" lives here, and
// nothing else does. Standard library only.
package pycompat
