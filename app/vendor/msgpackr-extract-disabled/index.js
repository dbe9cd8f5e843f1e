// msgpackr requires 'msgpackr-extract' inside a try and uses it only when the export is truthy.
module.exports = null;
