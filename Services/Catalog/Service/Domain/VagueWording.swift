/// 杜绝模糊条款和兜底条款 (CAT-6, Art. 19): a guide must name every material and condition
/// precisely. These are the phrases the catalog refuses in material names, material
/// descriptions and conditions. Each one is how a catch-all clause is written in practice;
/// they are matched as substrings after removing spaces, so "其 他 材 料" is caught too.
///
/// Keep the list here, and only here: the validator and its tests both read it.
enum VagueWording {
  static let refusedPhrases: [String] = [
    "其他材料", "其它材料",  // "other materials"
    "相关材料", "有关材料",  // "relevant materials"
    "等材料", "等有关材料", "等相关材料",  // "… and other materials"
    "其他相关", "其它相关", "其他有关", "其它有关",  // "other relevant …"
    "其他证明", "其它证明",  // "other certificates"
    "其他条件", "其它条件",  // "other conditions"
    "规定的其他", "规定的其它", "要求的其他", "要求的其它",  // "other … the rules require"
    "认为需要", "认为必要",  // "whatever (the department) deems necessary"
    "等等",  // "and so on"
  ]

  /// The first refused phrase `text` contains, if any.
  static func refusedPhrase(in text: String) -> String? {
    let compact = text.filter { !$0.isWhitespace }
    return refusedPhrases.first { compact.contains($0) }
  }
}
