// The least of a DOM that Preact's render() needs, for running the built block in Node: elements
// with attributes, properties and children, text nodes, and the tree as text for assertions.
export class MiniNode {
  parentNode: MiniElement | null = null;
  get nextSibling(): MiniNode | null {
    const siblings = this.parentNode?.childNodes ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }
  remove(): void {
    this.parentNode?.removeChild(this);
  }
}

export class MiniText extends MiniNode {
  readonly nodeType = 3;
  data: string;
  constructor(data: string) {
    super();
    this.data = data;
  }
  get nodeValue(): string {
    return this.data;
  }
}

export class MiniElement extends MiniNode {
  readonly nodeType = 1;
  readonly localName: string;
  readonly attributes = new Map<string, string>();
  childNodes: MiniNode[] = [];
  style: Record<string, string> = {};
  readonly ownerDocument: MiniDocument;
  constructor(name: string, ownerDocument: MiniDocument) {
    super();
    this.localName = name;
    this.ownerDocument = ownerDocument;
  }
  get nodeName(): string {
    return this.localName.toUpperCase();
  }
  get firstChild(): MiniNode | null {
    return this.childNodes[0] ?? null;
  }
  setAttribute(name: string, value: unknown): void {
    this.attributes.set(name, String(value));
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(): void {}
  removeEventListener(): void {}
  insertBefore(node: MiniNode, before: MiniNode | null): MiniNode {
    node.parentNode?.removeChild(node);
    const index = before ? this.childNodes.indexOf(before) : -1;
    if (index < 0) this.childNodes.push(node);
    else this.childNodes.splice(index, 0, node);
    node.parentNode = this;
    return node;
  }
  appendChild(node: MiniNode): MiniNode {
    return this.insertBefore(node, null);
  }
  removeChild(node: MiniNode): MiniNode {
    this.childNodes = this.childNodes.filter((c) => c !== node);
    node.parentNode = null;
    return node;
  }
  /** The subtree as HTML-like text (attributes in set order). */
  get outerHTML(): string {
    const attrs = [...this.attributes].map(([k, v]) => ` ${k}="${v}"`).join('');
    return `<${this.localName}${attrs}>${this.childNodes.map((c) => (c instanceof MiniElement ? c.outerHTML : (c as MiniText).data)).join('')}</${this.localName}>`;
  }
  get textContent(): string {
    return this.childNodes.map((c) => (c instanceof MiniElement ? ` ${c.textContent} ` : (c as MiniText).data)).join('').replace(/\s+/g, ' ').trim();
  }
}

export class MiniDocument {
  readonly body: MiniElement;
  constructor() {
    this.body = new MiniElement('body', this);
  }
  createElement(name: string): MiniElement {
    return new MiniElement(name, this);
  }
  createElementNS(_ns: string, name: string): MiniElement {
    return new MiniElement(name, this);
  }
  createTextNode(data: string): MiniText {
    return new MiniText(data);
  }
}
