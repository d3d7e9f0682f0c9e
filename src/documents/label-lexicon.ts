/**
 * The printed labels of the certificate and report fields, with the variants and synonyms real
 * documents use (docs/formats.md §1.2, §2.2, §3.3), matched on NFKC text with whitespace removed
 * (so 毕（结）业日期 reads as 毕(结)业日期). A value is read only where its label allows it: beside the
 * label on its row or in the cell under it (src/documents/field-reading.ts), never from an arbitrary
 * place on the page.
 */
export const LABEL = {
  name: /姓名/,
  gender: /性别/,
  birthDate: /出生日期|出生年月日?|出生时间/,
  /** The written test's session: 考试时间 on the classic report, 考试日期 / 笔试时间 on others. */
  examSession: /考试时间|考试日期|考试年月|笔试时间|笔试日期|TestDate|ExamDate/,
  enrollmentDate: /入学日期|入学时间|入学年月/,
  graduationDate: /毕\(结\)业日期|毕\(结\)业时间|毕业日期|毕业时间|毕业年月|结业日期/,
  /**
   * 专业 alone is a label only where a label stands: before a colon, before its gloss, or at the
   * start of a row; inside a body sentence ("…工程专业四年制本科学习") it is not.
   */
  major: /专业名称|所学专业|专业(?=[:：]|Major)|^专业/,
  /** The education level of a table-style diploma (层次：本科). */
  educationLevel: /学历层次|层次|学历(?=[:：])/,
  durationYears: /学制/,
  graduationSchool: /校名|培养单位|学校名称|毕业院校|发证单位/,
  degreeSchool: /学位授予单位|授予单位|授予学位单位|校名|学校名称|培养单位/,
  /**
   * The degree of a table-style degree certificate (授予学位：工学学士); 学位 alone only before its
   * colon or gloss, or ending a row as a header cell (never inside 学位证书 or 学位评定委员会).
   */
  degree: /授予学位|学位名称|学位(?=[:：]|Degree|$)/,
  certificateNumber: /证书编号|证书号码?|编号|证号/,
  issueDate: /发证日期|颁发日期|授予日期|授予学位日期|签发日期/,
} as const;

/**
 * Labels too common in running text to count anywhere, which count where they fill an OCR box of
 * their own, as a table cell ("专业" in one box, "计算机科学与技术" in the next).
 */
export const CELL_LABEL: ReadonlyMap<RegExp, RegExp> = new Map([
  [LABEL.major, /专业/],
  [LABEL.educationLevel, /学历/],
]);

/**
 * Every label a certificate may print in a table or beside its body, for ending a value where the
 * next label starts ("姓名：李娜 性别：女 出生日期：…"); 证号 and 编号 are covered by the longer ones
 * only where they stand after a gap (see field-reading.ts), since a value may contain them.
 */
export const CERTIFICATE_LABELS = new RegExp(
  [
    LABEL.name,
    LABEL.gender,
    LABEL.birthDate,
    LABEL.enrollmentDate,
    LABEL.graduationDate,
    LABEL.major,
    LABEL.educationLevel,
    LABEL.durationYears,
    LABEL.degree,
    /证书编号|证书号码?/,
    LABEL.issueDate,
  ]
    .map((pattern) => pattern.source)
    .join('|'),
);
