/* The survey condition language, a port of surveys/expressions.py (the server is the source
   of truth; tests check both agree). No eval: a tokenizer and a recursive-descent parser.
   Exposes window.SurveyExpr = {parse, evaluate, references}. */
(function (root) {
  "use strict";
  var FUNCTIONS = { "selected": 2, "count-selected": 1, "not": 1, "true": 0, "false": 0 };
  var TOKEN = /(\s+)|(\d+(?:\.\d+)?|\.\d+)|('[^']*'|"[^"]*")|(\$\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\})|(!=|<=|>=|=|<|>)|([A-Za-z_][A-Za-z0-9_\-]*)|([(),.\-])/y;
  var KINDS = [null, "ws", "number", "string", "var", null, "op", "name", "punct"];

  function ExpressionError(message, position) {
    this.name = "ExpressionError";
    this.message = message;
    this.position = position;
  }
  ExpressionError.prototype = Object.create(Error.prototype);

  function tokenize(source) {
    var tokens = [];
    var pos = 0;
    while (pos < source.length) {
      TOKEN.lastIndex = pos;
      var m = TOKEN.exec(source);
      if (!m) { throw new ExpressionError("Unexpected character at " + (pos + 1), pos); }
      var kind = null;
      for (var g = 1; g < KINDS.length; g++) {
        if (KINDS[g] && m[g] !== undefined) { kind = KINDS[g]; break; }
      }
      if (kind !== "ws") {
        var value = m[0];
        if (kind === "var") { value = m[5]; }
        else if (kind === "string") { value = m[3].slice(1, -1); }
        tokens.push({ kind: kind, value: value, pos: pos });
      }
      pos = TOKEN.lastIndex;
    }
    tokens.push({ kind: "end", value: "", pos: source.length });
    return tokens;
  }

  function Parser(source) { this.tokens = tokenize(source); this.i = 0; }
  Parser.prototype.tok = function () { return this.tokens[this.i]; };
  Parser.prototype.take = function () { return this.tokens[this.i++]; };
  Parser.prototype.isPunct = function (v) { var t = this.tok(); return t.kind === "punct" && t.value === v; };
  Parser.prototype.isName = function (v) { var t = this.tok(); return t.kind === "name" && t.value === v; };
  Parser.prototype.expect = function (v) {
    if (!this.isPunct(v)) { throw new ExpressionError("Expected " + v, this.tok().pos); }
    return this.take();
  };
  Parser.prototype.parse = function () {
    if (this.tok().kind === "end") { throw new ExpressionError("empty", 0); }
    var node = this.expr();
    if (this.tok().kind !== "end") { throw new ExpressionError("Unexpected token", this.tok().pos); }
    return node;
  };
  Parser.prototype.expr = function () {
    var node = this.andExpr();
    while (this.isName("or")) { this.take(); node = ["or", node, this.andExpr()]; }
    return node;
  };
  Parser.prototype.andExpr = function () {
    var node = this.comparison();
    while (this.isName("and")) { this.take(); node = ["and", node, this.comparison()]; }
    return node;
  };
  Parser.prototype.comparison = function () {
    var node = this.operand();
    if (this.tok().kind === "op") {
      var op = this.take().value;
      node = ["cmp", op, node, this.operand()];
      if (this.tok().kind === "op") { throw new ExpressionError("chained", this.tok().pos); }
    }
    return node;
  };
  Parser.prototype.operand = function () {
    var t = this.tok();
    if (t.kind === "number") { this.take(); return ["num", parseFloat(t.value)]; }
    if (t.kind === "punct" && t.value === "-") {
      this.take();
      var n = this.tok();
      if (n.kind !== "number") { throw new ExpressionError("minus", t.pos); }
      this.take();
      return ["num", -parseFloat(n.value)];
    }
    if (t.kind === "string") { this.take(); return ["str", t.value]; }
    if (t.kind === "var") { this.take(); return ["var", t.value]; }
    if (t.kind === "punct" && t.value === ".") { this.take(); return ["self"]; }
    if (t.kind === "punct" && t.value === "(") {
      this.take();
      var inner = this.expr();
      this.expect(")");
      return inner;
    }
    if (t.kind === "name" && Object.prototype.hasOwnProperty.call(FUNCTIONS, t.value)) {
      this.take();
      this.expect("(");
      var args = [];
      if (!this.isPunct(")")) {
        args.push(this.expr());
        while (this.isPunct(",")) { this.take(); args.push(this.expr()); }
      }
      this.expect(")");
      if (args.length !== FUNCTIONS[t.value]) { throw new ExpressionError("arguments", t.pos); }
      return ["call", t.value, args];
    }
    throw new ExpressionError("Expected a value", t.pos);
  };

  var cache = {};
  function parse(source) {
    var key = String(source).trim();
    if (!Object.prototype.hasOwnProperty.call(cache, key)) { cache[key] = new Parser(key).parse(); }
    return cache[key];
  }

  function toNumber(v) {
    if (typeof v === "boolean") { return v ? 1 : 0; }
    if (typeof v === "number") { return v; }
    if (typeof v === "string") {
      var s = v.trim();
      if (/^-?(\d+(\.\d+)?|\.\d+)$/.test(s)) { return parseFloat(s); }
    }
    return null;
  }
  function toText(v) {
    if (typeof v === "boolean") { return v ? "true" : "false"; }
    if (typeof v === "number") { return String(v); }
    if (Array.isArray(v)) { return v.map(toText).join(" "); }
    if (v === null || v === undefined) { return ""; }
    return String(v);
  }
  function items(v) {
    if (Array.isArray(v)) { return v.map(toText); }
    var s = toText(v);
    return s ? s.split(/\s+/).filter(function (x) { return x !== ""; }) : [];
  }
  function truthy(v) {
    if (typeof v === "boolean") { return v; }
    if (typeof v === "number") { return v !== 0; }
    if (Array.isArray(v)) { return v.length > 0; }
    return !!v;
  }
  function compare(op, left, right) {
    if (Array.isArray(left)) { left = toText(left); }
    if (Array.isArray(right)) { right = toText(right); }
    var numeric = typeof left === "number" || typeof right === "number" ||
      typeof left === "boolean" || typeof right === "boolean";
    var a = toNumber(left), b = toNumber(right);
    if (numeric && (a === null || b === null)) { return op === "!="; }
    if (!numeric) {
      if (op === "=" || op === "!=") {
        var same = toText(left) === toText(right);
        return op === "=" ? same : !same;
      }
      if (a === null || b === null) { a = toText(left); b = toText(right); }
    }
    switch (op) {
      case "=": return a === b;
      case "!=": return a !== b;
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      default: return a >= b;
    }
  }
  function ev(node, values, self) {
    var kind = node[0];
    if (kind === "num" || kind === "str") { return node[1]; }
    if (kind === "var") {
      var v = Object.prototype.hasOwnProperty.call(values, node[1]) ? values[node[1]] : "";
      return v === null || v === undefined ? "" : v;
    }
    if (kind === "self") { return self === null || self === undefined ? "" : self; }
    if (kind === "cmp") { return compare(node[1], ev(node[2], values, self), ev(node[3], values, self)); }
    if (kind === "and") { return truthy(ev(node[1], values, self)) && truthy(ev(node[2], values, self)); }
    if (kind === "or") { return truthy(ev(node[1], values, self)) || truthy(ev(node[2], values, self)); }
    var name = node[1], args = node[2];
    if (name === "selected") { return items(ev(args[0], values, self)).indexOf(toText(ev(args[1], values, self))) >= 0; }
    if (name === "count-selected") { return items(ev(args[0], values, self)).length; }
    if (name === "not") { return !truthy(ev(args[0], values, self)); }
    return name === "true";
  }
  function evaluate(source, values, self) {
    if (typeof source === "string") {
      if (!source.trim()) { return true; }
      source = parse(source);
    }
    return truthy(ev(source, values || {}, self));
  }
  function references(source) {
    var found = [];
    (function walk(n) {
      if (n[0] === "var") { if (found.indexOf(n[1]) < 0) { found.push(n[1]); } }
      else if (n[0] === "cmp") { walk(n[2]); walk(n[3]); }
      else if (n[0] === "and" || n[0] === "or") { walk(n[1]); walk(n[2]); }
      else if (n[0] === "call") { n[2].forEach(walk); }
    })(parse(source));
    return found;
  }
  root.SurveyExpr = { parse: parse, evaluate: evaluate, references: references, ExpressionError: ExpressionError };
  if (typeof module !== "undefined" && module.exports) { module.exports = root.SurveyExpr; }
})(typeof window !== "undefined" ? window : this);
