/* The organising department of a team (取り纏め部署) is free text in the
 * directory ("情報システム部", "IT security office"). The statistics group
 * it the way the association's member surveys do, into the departments of
 * 加盟組織の体制: information systems, security, risk management, corporate
 * planning, legal, audit, research and development, general affairs,
 * quality assurance, and other. Pure functions. */
#ifndef SHISA_DEPARTMENT_H
#define SHISA_DEPARTMENT_H

/* The groups' keys, in the surveys' order, ending with NULL; the labels
 * are "stats.dept.<key>" in src/web/messages.tsv. */
extern const char *const department_keys[];

/* The group of TEXT: its key (one of department_keys, "other" when no
 * group's words appear in it), or NULL when TEXT is empty or blank.
 * A group is found by its key, or by a word of it in Japanese or English
 * anywhere in the text ("セキュリティ", "security"), ASCII letters in either
 * case; the groups are tried in a fixed order, security first, so
 * "情報セキュリティ部" is security and "情報システム部" information systems. */
const char *department_classify(const char *text);

#endif
