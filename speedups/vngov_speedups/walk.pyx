# cython: language_level=3
"""The line walk of `crawler.generic.lines` (`_Builder.walk`), over libxml2's nodes in C.

`_Builder.walk` is the reference: this does exactly what it does, element by element, and
tests/test_walk_speedup.py holds the two to the same answers on every fixture, the real pages and
odd markup. What differs is only where the loop runs. The Python walk pays for every element of
the page (two lxml events, a proxy object, its tag, its attribute names, its text and tail read
through lxml's properties: about 1.3 microseconds an element, half of a real page's extraction);
here an element that yields nothing costs a few pointer reads, and Python objects are made only
for what the walk hands on: texts, the elements that own lines, link elements, chrome ancestors,
breadcrumb candidates and metadata elements, and the attribute values `_attribute_verdict` rules
on. The rare and complex steps (a chrome block replayed or recorded) call the builder's own
Python methods, so they exist once; the steps that run for most lines, scripts and hidden blocks
are twinned here, each named after its Python original (`flush`; `skip_leaf` and `skip_subtree`
for `_Builder.skip` of an element without and with children; `_itertext` for lxml's
``itertext()``), and so are the two position lookups of the chrome records (`positions` and
`elements_at`, for `lines._positions` and `lines._elements_at`).

Built by speedups/setup.py against the headers shipped in lxml's wheel (lxml's public C API:
`elementFactory` gives the one proxy lxml keeps for a node, so identities match the Python walk).
"""
from hashlib import blake2b

from cpython.mem cimport PyMem_Realloc, PyMem_Free
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport memcpy, memset, strcmp, strlen

from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Document, _Element
cimport lxml.includes.etreepublic as cetree

cetree.import_lxml__etree()

# A hash of walk.pyx, set by setup.py at build time: `crawler.generic.lines` uses this build only
# when it matches the source beside it (an edited, not rebuilt, walk is never run).
include "source_hash.pxi"

# Set once by `configure` from crawler.generic.lines: the tag table, the attribute verdict and
# the bits they answer in (one definition of each, in lines.py).
cdef dict TAG_FLAGS = {}
cdef object ATTRIBUTE_VERDICT = None, NAMES_BREADCRUMB = None
cdef size_t BLOCK_MAX_BYTES = 0
cdef int F_SKIP = 0, F_BLOCK = 0, F_BOLD = 0, F_ANCHOR = 0, F_CHROME_TAG = 0, F_DECLARED = 0
cdef int F_HIDDEN = 0, F_CHROME = 0, F_CRUMB = 0
cdef bytes DECLARED_NAME = b""  # lines.DECLARED_ATTRIBUTE: an element with it is a metadata element


def configure(dict tag_flags, attribute_verdict, names_breadcrumb, size_t block_max_bytes, tag_bits, verdict_bits,
              str declared_attribute):
    """tag_bits: (skip, block, bold, anchor, chrome tag, declared); verdict_bits: (hidden, chrome,
    crumb), the values of lines.py's `_F_*` constants; declared_attribute: lines.DECLARED_ATTRIBUTE."""
    global TAG_FLAGS, ATTRIBUTE_VERDICT, NAMES_BREADCRUMB, BLOCK_MAX_BYTES, F_SKIP, F_BLOCK, F_BOLD, F_ANCHOR, F_CHROME_TAG, F_DECLARED
    global F_HIDDEN, F_CHROME, F_CRUMB, DECLARED_NAME
    DECLARED_NAME = declared_attribute.encode("utf-8")
    TAG_FLAGS = tag_flags
    ATTRIBUTE_VERDICT = attribute_verdict
    NAMES_BREADCRUMB = names_breadcrumb
    BLOCK_MAX_BYTES = block_max_bytes
    F_SKIP, F_BLOCK, F_BOLD, F_ANCHOR, F_CHROME_TAG, F_DECLARED = tag_bits
    F_HIDDEN, F_CHROME, F_CRUMB = verdict_bits


cdef inline tree.xmlNode* _text_or_skip(tree.xmlNode* n) noexcept:
    """lxml's `_textNodeOrSkip`: the text node at n, XInclude markers passed over, else NULL."""
    while n is not NULL:
        if n.type == tree.XML_TEXT_NODE or n.type == tree.XML_CDATA_SECTION_NODE:
            return n
        if n.type == tree.XML_XINCLUDE_START or n.type == tree.XML_XINCLUDE_END:
            n = n.next
            continue
        return NULL
    return NULL


cdef inline object _decode(const tree.xmlChar* s):
    return PyUnicode_DecodeUTF8(<const char*>s, strlen(<const char*>s), NULL)


cdef object _collect(tree.xmlNode* n):
    """lxml's `_collectText`: an element's ``text`` (from its first child) or ``tail`` (from its
    next sibling); None when there is no text node there."""
    cdef tree.xmlNode* first = _text_or_skip(n)
    if first is NULL:
        return None
    cdef tree.xmlNode* cur = _text_or_skip(first.next)
    if cur is NULL:
        return _decode(first.content)
    cdef bytes joined = b""
    cur = first
    while cur is not NULL:
        joined += <bytes>(<const char*>cur.content)
        cur = _text_or_skip(cur.next)
    return joined.decode("utf-8")


cdef inline bint _blank(tree.xmlNode* n) noexcept:
    """Whether the text run at n is empty or ASCII whitespace only (what ``str.isspace`` says of
    those characters): such a run starts no line, and is not decoded."""
    cdef const unsigned char* s
    n = _text_or_skip(n)
    while n is not NULL:
        s = <const unsigned char*>n.content
        while s[0] != 0:
            if not (s[0] == 32 or 9 <= s[0] <= 13 or 28 <= s[0] <= 31):
                return False
            s += 1
        n = _text_or_skip(n.next)
    return True


cdef inline bint _named(tree.xmlNode* n, const char* name) noexcept:
    return n.ns is NULL and strcmp(<const char*>n.name, name) == 0


cdef bint _inside_article(tree.xmlNode* n) noexcept:
    """lines._inside_article in C: an <article> or <main> among the ancestors."""
    n = n.parent
    while n is not NULL and n.type == tree.XML_ELEMENT_NODE:
        if _named(n, b"article") or _named(n, b"main"):
            return True
        n = n.parent
    return False


cdef object _attribute(tree.xmlAttr* a):
    """An attribute's value as lxml's ``get`` reads it ("" for a bare attribute)."""
    cdef tree.xmlNode* n = a.children
    if n is NULL:
        return ""
    if n.next is NULL and n.content is not NULL:
        return _decode(n.content)
    cdef bytes joined = b""
    while n is not NULL:
        if n.content is not NULL:
            joined += <bytes>(<const char*>n.content)
        n = n.next
    return joined.decode("utf-8")


cdef inline bint _has_attribute(tree.xmlNode* n, const char* name) noexcept:
    """Whether the element has the attribute `name` (no namespace), as ``get(name) is not None``."""
    cdef tree.xmlAttr* a = n.properties
    while a is not NULL:
        if a.ns is NULL and strcmp(<const char*>a.name, name) == 0:
            return True
        a = a.next
    return False


cdef inline tree.xmlNode* _item(tree.xmlNode* n) noexcept:
    """The first node from n that the walk visits (an element, comment or processing
    instruction: what lxml's iterwalk yields), or NULL."""
    while n is not NULL:
        if n.type == tree.XML_ELEMENT_NODE or n.type == tree.XML_COMMENT_NODE or n.type == tree.XML_PI_NODE:
            return n
        n = n.next
    return NULL


cdef tuple _itertext(tree.xmlNode* top):
    """lxml's ``tuple(element.itertext())`` for the element at top: the text of every element
    of its subtree and the tail of every node below it (elements, comments and processing
    instructions: a comment's own text is not text), in document order."""
    cdef list out = []
    cdef tree.xmlNode* c
    cdef tree.xmlNode* following
    cdef object text = _collect(top.children)
    if text is not None:
        out.append(text)
    c = _item(top.children)
    while c is not NULL:
        if c.type == tree.XML_ELEMENT_NODE:
            text = _collect(c.children)
            if text is not None:
                out.append(text)
            following = _item(c.children)
            if following is not NULL:
                c = following
                continue
        # c is done: its tail, then its next sibling, or its parents' tails until one has one.
        while c is not top:
            text = _collect(c.next)
            if text is not None:
                out.append(text)
            following = _item(c.next)
            if following is not NULL:
                break
            c = c.parent
        if c is top:
            break
        c = following
    return tuple(out)


cdef struct Buffer:
    unsigned char* data
    size_t size
    size_t capacity


cdef int _put(Buffer* b, const void* src, size_t n) except -1:
    cdef unsigned char* grown
    cdef size_t capacity = b.capacity or 65536
    while b.size + n > capacity:
        capacity *= 2
    if capacity != b.capacity:
        grown = <unsigned char*>PyMem_Realloc(b.data, capacity)
        if grown is NULL:
            raise MemoryError()
        b.data, b.capacity = grown, capacity
    memcpy(b.data + b.size, src, n)
    b.size += n
    return 0


cdef int _put_string(Buffer* b, char kind, const tree.xmlChar* s) except -1:
    """kind, the length of s (8 bytes), s: a field no other can be read as."""
    cdef size_t n = strlen(<const char*>s) if s is not NULL else 0
    _put(b, &kind, 1)
    _put(b, &n, sizeof(n))
    if n:
        _put(b, s, n)
    return 0


cdef object _block_key(Buffer* b, tree.xmlNode* block, bint bold):
    """A chrome block's key in lines._CHROME_BLOCKS, as `lines.chrome_key` gives it, from a dump
    of the block's nodes instead of its serialization (five times faster, and never an escape to
    work out): (bold, a 128-bit BLAKE2 digest of the dump), or None when the dump is larger than
    lines.CHROME_BLOCK_MAX_BYTES. The dump holds every node of the subtree in document order:
    each element's name, namespace and every attribute (name, namespace, value), each text,
    CDATA, comment and processing instruction, with its kind and length, and each element's end;
    two blocks dump alike only when lxml would serialize them alike. Its first byte keeps its
    digests apart from the digests of serializations."""
    cdef tree.xmlNode* c = block
    cdef tree.xmlAttr* a
    cdef tree.xmlNode* v
    b.size = 0
    _put(b, b"W", 1)
    while True:
        if b.size > BLOCK_MAX_BYTES:
            return None
        if c.type == tree.XML_ELEMENT_NODE:
            _put_string(b, b"E", c.name)
            _put_string(b, b"N", c.ns.href if c.ns is not NULL else NULL)
            a = c.properties
            while a is not NULL:
                _put_string(b, b"A", a.name)
                _put_string(b, b"N", a.ns.href if a.ns is not NULL else NULL)
                v = a.children
                while v is not NULL:
                    _put_string(b, b"V", v.content)
                    v = v.next
                a = a.next
            _put(b, b">", 1)
            if c.children is not NULL:
                c = c.children
                continue
            _put(b, b"/", 1)  # its end
        elif c.type == tree.XML_PI_NODE:
            _put_string(b, b"P", c.name)
            _put_string(b, b"p", c.content)
        else:
            _put_string(b, <char>(48 + c.type), c.content)
        # The node is done: its next sibling, or the end of its parents until one has one.
        while c is not block and c.next is NULL:
            c = c.parent
            _put(b, b"/", 1)  # the parent's end
        if c is block:
            break
        c = c.next
    if b.size > BLOCK_MAX_BYTES:
        return None
    return (bool(bold), blake2b(b.data[:b.size], digest_size=16).digest())


# A chrome block's elements by their positions in ``block.iter()`` (elements, comments, entity
# references and processing instructions in document order): how lines._CHROME_BLOCKS records
# them. lines._Builder asks these two when recording and replaying a block; without them it lists
# ``block.iter()``, a proxy object for every node of the block (a menu has hundreds).
cdef inline bint _iterated(tree.xmlNode* n) noexcept:
    return (n.type == tree.XML_ELEMENT_NODE or n.type == tree.XML_COMMENT_NODE
            or n.type == tree.XML_ENTITY_REF_NODE or n.type == tree.XML_PI_NODE)


cdef inline tree.xmlNode* _following(tree.xmlNode* c, tree.xmlNode* block) noexcept:
    """The node after c in ``block.iter()``'s order (NULL after the last)."""
    cdef tree.xmlNode* n
    if c.type == tree.XML_ELEMENT_NODE:
        n = c.children
        while n is not NULL and not _iterated(n):
            n = n.next
        if n is not NULL:
            return n
    while c is not block:
        n = c.next
        while n is not NULL and not _iterated(n):
            n = n.next
        if n is not NULL:
            return n
        c = c.parent
    return NULL


def positions(_Element block, list elements):
    """The position of each of `elements` in ``block.iter()`` (ValueError for one not in it)."""
    cdef dict found = {}
    cdef Py_ssize_t i = 0, missing
    cdef tree.xmlNode* c = block._c_node
    for element in elements:
        found[<size_t>(<_Element?>element)._c_node] = -1
    missing = len(found)
    while c is not NULL and missing:
        key = <size_t>c
        if key in found:
            found[key] = i
            missing -= 1
        i += 1
        c = _following(c, block._c_node)
    if missing:
        raise ValueError("an element outside the block")
    return [found[<size_t>(<_Element>element)._c_node] for element in elements]


def elements_at(_Element block, tuple wanted):
    """A list whose item at each of the positions `wanted` (ascending) is the element there in
    ``block.iter()``; None at the other positions. Proxies are made only for those asked."""
    cdef Py_ssize_t i = 0, j = 0, count = len(wanted)
    cdef list out = [None] * ((<Py_ssize_t>wanted[count - 1] + 1) if count else 0)
    cdef tree.xmlNode* c = block._c_node
    while c is not NULL and j < count:
        if i == <Py_ssize_t>wanted[j]:
            out[i] = cetree.elementFactory(block._doc, c)
            j += 1
        i += 1
        c = _following(c, block._c_node)
    if j < count:
        raise ValueError("a position past the block's end")
    return out


# Tag names are interned by the parser (one pointer per name in a document), so a page's tags are
# looked up in TAG_FLAGS once each, in a small table keyed by the name's address, kept for one walk.
cdef enum:
    TAG_SLOTS = 512
    TAG_FILL = 384


cdef struct TagSlot:
    const tree.xmlChar* name
    int flags
    int index  # of the tag's str in the walk's list of tags


cdef struct Frame:
    tree.xmlNode* owner  # what the element's start changed, restored at its end
    int flags
    bint link
    bint bold
    bint chrome_pushed
    bint skipped


cdef class _Walk:
    cdef _Document doc
    cdef tree.xmlNode* top
    cdef object builder
    cdef list parts, hrefs, anchors, crumbs, declared, raw_lines, open_anchors, runs, chrome_saved, tags
    cdef object chrome
    cdef object line_owner, line_chrome  # the open line's block and chrome elements
    cdef tree.xmlNode* owner
    cdef bint link, bold
    cdef tree.xmlNode* recording
    cdef object tag  # the tag of the element `_tag` was last asked about
    cdef Frame* frames
    cdef Py_ssize_t depth, capacity
    cdef TagSlot slots[TAG_SLOTS]
    cdef int filled
    cdef Buffer dump  # `_block_key`'s, reused

    def __cinit__(self):
        self.frames = NULL
        self.dump.data = NULL
        self.dump.size = self.dump.capacity = 0

    def __dealloc__(self):
        PyMem_Free(self.frames)
        PyMem_Free(self.dump.data)

    cdef int flush(self) except -1:
        """lines._Builder.flush: close the current line (its raw text and what it knows)."""
        cdef list parts = self.parts
        cdef Py_ssize_t total, linked_chars, bold_chars, n
        cdef double linked, bold
        if parts:
            if len(parts) == 1:  # most lines: one run of text, all link or none, all bold or none
                raw, in_link, in_bold = parts[0]
                linked = 1.0 if in_link else 0.0
                bold = 1.0 if in_bold else 0.0
            else:
                raw = "".join([part[0] for part in parts])
                total = linked_chars = bold_chars = 0
                for text, in_link, in_bold in parts:
                    n = len(text.strip())
                    total += n
                    if in_link:
                        linked_chars += n
                    if in_bold:
                        bold_chars += n
                if total == 0:
                    total = 1
                linked = <double>linked_chars / <double>total
                bold = <double>bold_chars / <double>total
            href = self.hrefs[0] if len(self.hrefs) == 1 and linked > 0.5 else None
            self.raw_lines.append((raw, self.line_owner, linked, bold, self.line_chrome, href))
            parts.clear()
        if self.hrefs:
            self.hrefs.clear()
        return 0

    cdef int skip_leaf(self, tree.xmlNode* c, int flags) except -1:
        """lines._Builder.skip for an element without children (every script and style): what
        it is, asked here, without a Python call."""
        cdef tree.xmlAttr* a = c.properties
        cdef object klass = None, ident = None
        if flags & F_ANCHOR:
            self.anchors.append((cetree.elementFactory(self.doc, c), _itertext(c)))
        if flags & F_DECLARED or _has_attribute(c, DECLARED_NAME):
            self.declared.append(cetree.elementFactory(self.doc, c))
        while a is not NULL:
            if a.ns is NULL:
                if klass is None and strcmp(<const char*>a.name, b"class") == 0:
                    klass = _attribute(a)
                elif ident is None and strcmp(<const char*>a.name, b"id") == 0:
                    ident = _attribute(a)
            a = a.next
        if (klass or ident) and NAMES_BREADCRUMB(klass or "", ident or ""):
            self.crumbs.append((cetree.elementFactory(self.doc, c), False))
        return 0

    cdef int skip_subtree(self, tree.xmlNode* top) except -1:
        """lines._Builder.skip for an element with children (a hidden menu, the <head>): its link
        elements with their texts, itself as a subtree to search for a breadcrumb, its metadata
        elements; without a proxy for the subtree's other nodes."""
        cdef list declared = []
        cdef tree.xmlNode* c = top
        cdef int flags
        cdef object block = cetree.elementFactory(self.doc, top)
        while c is not NULL:
            if c.type == tree.XML_ELEMENT_NODE:
                flags = self._tag(c)
                if flags & F_ANCHOR:
                    self.anchors.append((cetree.elementFactory(self.doc, c), _itertext(c)))
                if flags & F_DECLARED or _has_attribute(c, DECLARED_NAME):
                    declared.append(cetree.elementFactory(self.doc, c))
            c = _following(c, top)
        self.crumbs.append((block, True))
        self.declared.extend(declared)
        return 0

    cdef int _tag(self, tree.xmlNode* c) except -1:
        """The element's tag flags; `self.tag` gets its tag (as lxml's ``.tag`` reads it)."""
        cdef size_t h
        cdef object name
        cdef int flags
        if c.ns is not NULL:  # (never from the HTML parser) lxml's "{uri}name"
            name = cetree.elementFactory(self.doc, c).tag
            self.tag = name
            return TAG_FLAGS.get(name, 0)
        h = (<size_t>c.name >> 3) & (TAG_SLOTS - 1)
        while self.slots[h].name is not NULL:
            if self.slots[h].name == c.name:
                self.tag = self.tags[self.slots[h].index]
                return self.slots[h].flags
            h = (h + 1) & (TAG_SLOTS - 1)
        name = _decode(c.name)
        flags = TAG_FLAGS.get(name, 0)
        self.tag = name
        if self.filled < TAG_FILL:
            self.slots[h].name = c.name
            self.slots[h].flags = flags
            self.slots[h].index = len(self.tags)
            self.tags.append(name)
            self.filled += 1
        return flags

    cdef int _push(self, int flags, bint chrome_pushed) except -1:
        cdef Frame* grown
        if self.depth == self.capacity:
            self.capacity = self.capacity * 2 if self.capacity else 256
            grown = <Frame*>PyMem_Realloc(self.frames, self.capacity * sizeof(Frame))
            if grown is NULL:
                raise MemoryError()
            self.frames = grown
        self.frames[self.depth].owner = self.owner
        self.frames[self.depth].flags = flags
        self.frames[self.depth].link = self.link
        self.frames[self.depth].bold = self.bold
        self.frames[self.depth].chrome_pushed = chrome_pushed
        self.frames[self.depth].skipped = False
        self.depth += 1
        return 0

    cdef int _text(self, tree.xmlNode* run) except -1:
        """A text run (an element's text, or a tail): into the open line, or the start of one."""
        cdef object text
        if self.open_anchors or self.parts:
            text = _collect(run)
            if not text:
                return 0
            if self.open_anchors:
                self.runs.append(text)
            if self.parts:
                self.parts.append((text, self.link, self.bold))
                return 0
        elif _blank(run):
            return 0
        else:
            text = _collect(run)
        if not text.isspace():
            self.line_owner = cetree.elementFactory(self.doc, self.owner)
            self.line_chrome = self.chrome
            self.parts.append((text, self.link, self.bold))
        return 0

    cdef bint _start(self, tree.xmlNode* c) except -1:
        """An element's start (lines._Builder.walk's "start" event); False: do not enter it."""
        cdef int flags = self._tag(c)
        cdef int verdict = 0
        cdef bint hidden = flags & F_SKIP
        cdef bint chrome_pushed = False, outermost = False
        cdef tree.xmlAttr* a
        cdef tree.xmlAttr* klass = NULL
        cdef tree.xmlAttr* ident = NULL
        cdef tree.xmlAttr* role = NULL
        cdef tree.xmlAttr* style = NULL
        cdef tree.xmlAttr* href = NULL
        cdef bint has_hidden = False, has_declared = False
        cdef const char* name
        cdef object node = None, value
        if not hidden:
            a = c.properties
            while a is not NULL:  # the first of each name, as ``get`` finds it
                if a.ns is NULL:
                    name = <const char*>a.name
                    if klass is NULL and strcmp(name, b"class") == 0:
                        klass = a
                    elif ident is NULL and strcmp(name, b"id") == 0:
                        ident = a
                    elif role is NULL and strcmp(name, b"role") == 0:
                        role = a
                    elif style is NULL and strcmp(name, b"style") == 0:
                        style = a
                    elif strcmp(name, b"hidden") == 0:
                        has_hidden = True
                    elif href is NULL and strcmp(name, b"href") == 0:
                        href = a
                    elif strcmp(name, DECLARED_NAME) == 0:
                        has_declared = True
                a = a.next
            if klass is not NULL or ident is not NULL or role is not NULL or style is not NULL or has_hidden:
                verdict = ATTRIBUTE_VERDICT(self.tag, _attribute(klass) if klass is not NULL else None,
                                            _attribute(ident) if ident is not NULL else None,
                                            _attribute(role) if role is not NULL else None,
                                            _attribute(style) if style is not NULL else None, has_hidden)
                hidden = verdict & F_HIDDEN
                if verdict & F_CRUMB:
                    node = cetree.elementFactory(self.doc, c)
                    self.crumbs.append((node, False))
            if has_declared and not hidden:  # (a microdata element)
                if node is None:
                    node = cetree.elementFactory(self.doc, c)
                self.declared.append(node)
            if not hidden:
                if verdict & F_CHROME or (flags & F_CHROME_TAG and not _inside_article(c)):
                    if node is None:
                        node = cetree.elementFactory(self.doc, c)
                    outermost = not self.chrome
                    self.chrome_saved.append(self.chrome)
                    chrome_pushed = True
        self._push(flags, chrome_pushed)
        if hidden:
            self.frames[self.depth - 1].skipped = True
            if _item(c.children) is NULL:  # lxml's len() counts these children
                self.skip_leaf(c, flags)
            else:
                self.skip_subtree(c)
            for entry in self.open_anchors:
                entry[3] = False
            return False
        if chrome_pushed:
            self.chrome = self.chrome + (node,)
        if verdict & F_BOLD:
            self.bold = True
        if href is not NULL and _named(c, b"a"):
            value = _attribute(href)
            if value:
                self.link = True
                self.hrefs.append(value)
        if flags & F_BLOCK:
            if self.parts or self.hrefs:
                self.flush()
            self.owner = c
            if outermost and not self.open_anchors and self.recording is NULL and not _inside_article(c):
                if self.builder.chrome_block(node, _block_key(&self.dump, c, self.bold)):
                    self.frames[self.depth - 1].skipped = True
                    return False
                if self.builder.recording is not None:
                    self.recording = c
        if flags & F_BOLD:
            self.bold = True
        if flags & F_ANCHOR:
            if node is None:
                node = cetree.elementFactory(self.doc, c)
            self.open_anchors.append([node, len(self.anchors), len(self.runs), True])
            self.anchors.append((node, ()))  # its place in document order; filled at its end
        if _text_or_skip(c.children) is not NULL:
            self._text(c.children)
        return True

    cdef int _end(self, tree.xmlNode* c) except -1:
        """An element's end (the "end" event): its context restored, its line closed, its tail."""
        self.depth -= 1
        cdef Frame* frame = &self.frames[self.depth]
        self.owner = frame.owner
        self.link = frame.link
        self.bold = frame.bold
        if frame.chrome_pushed:
            self.chrome = self.chrome_saved.pop()
        if not frame.skipped and frame.flags & F_BLOCK and (self.parts or self.hrefs):
            self.flush()
        if self.recording is c:
            self.builder._record(*self.builder.recording)
            self.builder.recording = None
            self.recording = NULL
        if self.open_anchors and (<_Element>self.open_anchors[-1][0])._c_node is c:
            node, slot, first, complete = self.open_anchors.pop()
            self.anchors[slot] = (node, tuple(self.runs[first:]) if complete else _itertext(c))
            if not self.open_anchors:
                self.runs.clear()
        return 0

    cdef int run(self) except -1:
        cdef tree.xmlNode* c = self.top
        cdef tree.xmlNode* following
        cdef bint enter = self._start(c)
        while True:
            following = _item(c.children) if enter else NULL
            if following is not NULL:
                c = following
            else:
                # Close c, and its ancestors until one has a next sibling.
                while True:
                    if c.type == tree.XML_ELEMENT_NODE:
                        self._end(c)
                    if c is self.top:
                        return 0
                    if _text_or_skip(c.next) is not NULL:  # a comment's or a PI's too
                        self._text(c.next)
                    following = _item(c.next)
                    if following is not NULL:
                        c = following
                        break
                    c = c.parent
            enter = self._start(c) if c.type == tree.XML_ELEMENT_NODE else False


def walk(builder, _Element root):
    """Walk `root` for `builder` (a `crawler.generic.lines._Builder`) as its `walk` method does."""
    cdef _Walk state = _Walk.__new__(_Walk)
    state.doc = root._doc
    state.top = root._c_node
    state.builder = builder
    state.parts = builder.parts
    state.hrefs = builder.hrefs
    state.anchors = builder.anchors
    state.crumbs = builder.crumbs
    state.declared = builder.declared
    state.raw_lines = builder.raw_lines
    state.line_owner = None
    state.line_chrome = ()
    state.open_anchors = []
    state.runs = []
    state.chrome_saved = []
    state.tags = []
    state.chrome = ()
    state.owner = root._c_node
    state.link = state.bold = False
    state.recording = NULL
    state.depth = state.capacity = 0
    state.filled = 0
    memset(state.slots, 0, sizeof(state.slots))
    state.run()
    state.flush()  # the last line (the builder's `finish` would close it with what it does not know)
