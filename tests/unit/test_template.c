/* The template engine's contract, by example: what each place in the markup
 * does to hostile values, which templates refuse to compile and with what
 * message, and how blocks, scopes, partials and translations behave. Every
 * test compiles a real template and compares the exact output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "web/template.h"

/* Partials the loader can find, registered per test. */
static struct {
	const char *name;
	struct tpl *t;
} partials[16];
static size_t npartials;

static const struct tpl *load(void *ctx, const char *name)
{
	(void)ctx;
	for (size_t i = 0; i < npartials; i++)
		if (!strcmp(partials[i].name, name))
			return partials[i].t;
	return NULL;
}

static const char *translate(void *ctx, const char *key)
{
	(void)ctx;
	if (!strcmp(key, "home.title"))
		return "ホーム";
	if (!strcmp(key, "greeting"))
		return "Hi <b>you</b> & \"friends\"";
	if (!strcmp(key, "bad.link"))
		return "javascript:alert(1)";
	return NULL;
}

static const struct tpl_env env = { translate, load, NULL };

static struct tpl *compile(const char *name, const char *src)
{
	char err[256] = "";
	struct tpl *t = tpl_compile(name, src, strlen(src), err, sizeof err);
	if (!t)
		fail_msg("%s does not compile: %s", name, err);
	return t;
}

static void add_partial(const char *name, const char *src)
{
	assert_true(npartials < sizeof partials / sizeof *partials);
	partials[npartials].name = name;
	partials[npartials++].t = compile(name, src);
}

static int drop_partials(void **state)
{
	(void)state;
	while (npartials)
		tpl_free(partials[--npartials].t);
	return 0;
}

/* Render SRC with DATA (a reference the call takes) into a fresh buffer of
 * at most MAX bytes; return what tpl_render returned, the text in *OUT. */
static int render_max(const char *src, json_t *data, size_t max, char **out)
{
	struct tpl *t = compile("t.html", src);
	struct buf b;
	buf_init(&b, max);
	int rc = tpl_render(t, data, &env, &b);
	*out = buf_detach(&b, NULL);
	tpl_free(t);
	json_decref(data);
	return rc;
}

static void expect(const char *src, json_t *data, const char *want)
{
	char *got;
	assert_non_null(data);
	assert_int_equal(render_max(src, data, 0, &got), 0);
	assert_string_equal(got, want);
	free(got);
}

static void expect_render_fails(const char *src, json_t *data)
{
	char *got;
	assert_int_equal(render_max(src, data, 0, &got), -1);
	free(got);
}

static void expect_error(const char *src, const char *want)
{
	char err[256] = "";
	struct tpl *t = tpl_compile("t.html", src, strlen(src), err, sizeof err);
	if (t)
		fail_msg("compiled but should not: %s", src);
	assert_string_equal(err, want);
}

/* A URL attribute holding just {{u}}, rendered with U. */
static void expect_href(const char *u, const char *want)
{
	expect("<a href=\"{{u}}\">x</a>", json_pack("{s:s}", "u", u), want);
}

/* ---- text and attribute values ---- */

static void text_escapes_all_five_metacharacters(void **state)
{
	(void)state;
	expect("<p>{{x}}</p>",
		json_pack("{s:s}", "x", "<script>alert(\"x\")</script> & 'y'"),
		"<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>");
	expect("<p>{{x}}</p>", json_pack("{s:s}", "x", "山田 太郎"),
		"<p>山田 太郎</p>");
}

static void quoted_attributes_cannot_be_broken_out_of(void **state)
{
	(void)state;
	expect("<input value=\"{{v}}\">",
		json_pack("{s:s}", "v", "\" onmouseover=\"alert(1)"),
		"<input value=\"&quot; onmouseover=&quot;alert(1)\">");
	expect("<input value='{{v}}'>",
		json_pack("{s:s}", "v", "' onmouseover='alert(1)"),
		"<input value='&#39; onmouseover=&#39;alert(1)'>");
	expect("<p title=\"a {{v}} b\" class=x>", json_pack("{s:s}", "v", "<>&"),
		"<p title=\"a &lt;&gt;&amp; b\" class=x>");
}

static void values_render_by_type(void **state)
{
	(void)state;
	expect("{{i}}|{{neg}}|{{r}}|{{f}}|{{big}}|{{t}}|{{fl}}|{{n}}|{{missing}}|{{o}}|{{a}}",
		json_pack("{s:i,s:i,s:f,s:f,s:f,s:b,s:b,s:n,s:{s:i},s:[i]}",
			"i", 42, "neg", -7, "r", 3.0, "f", 2.5, "big", 1e300,
			"t", 1, "fl", 0, "n", "o", "k", 1, "a", 1),
		"42|-7|3|2.5|1e+300|true|false||||");
	expect("{{x}}", json_pack("{s:f}", "x", 0.1), "0.1");
}

/* ---- URL attributes ---- */

static void url_attributes_keep_safe_urls(void **state)
{
	(void)state;
	expect_href("https://example.com/a?b=1&c=2#f",
		"<a href=\"https://example.com/a?b=1&amp;c=2#f\">x</a>");
	expect_href("HTTP://example.com/", "<a href=\"HTTP://example.com/\">x</a>");
	expect_href("mailto:a@example.com", "<a href=\"mailto:a@example.com\">x</a>");
	expect_href("/teams/3", "<a href=\"/teams/3\">x</a>");
	expect_href("?page=2", "<a href=\"?page=2\">x</a>");
	expect_href("#top", "<a href=\"#top\">x</a>");
	expect_href("page.html", "<a href=\"page.html\">x</a>");
	expect_href("a/b:c", "<a href=\"a/b:c\">x</a>");
	expect_href("", "<a href=\"\">x</a>");
}

static void url_attributes_replace_other_schemes(void **state)
{
	(void)state;
	const char *hostile[] = {
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", "\tjavascript:alert(1)",
		" \x01\njavascript:alert(1)", "java\tscript:alert(1)",
		"data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
		"file:///etc/passwd", "ｊavascript:alert(1)",
	};
	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
		expect_href(hostile[i], "<a href=\"about:invalid\">x</a>");
	json_t *d = json_pack("{s:s}", "u", "javascript:alert(1)");
	json_incref(d);
	expect("<A HREF='{{u}}'>", d, "<A HREF='about:invalid'>");
	json_incref(d);
	json_incref(d);
	json_incref(d);
	expect("<img src=\"{{u}}\">", d, "<img src=\"about:invalid\">");
	expect("<form action=\"{{u}}\">", d, "<form action=\"about:invalid\">");
	expect("<button formaction='{{u}}'>", d, "<button formaction='about:invalid'>");
	expect("<svg><a xlink:href=\"{{u}}\"></a></svg>", d,
		"<svg><a xlink:href=\"about:invalid\"></a></svg>");
}

static void url_attributes_percent_encode_unsafe_bytes(void **state)
{
	(void)state;
	expect_href("/search?q=東京 駅",
		"<a href=\"/search?q=%E6%9D%B1%E4%BA%AC%20%E9%A7%85\">x</a>");
	expect_href("/a\"b<c>d'e", "<a href=\"/a%22b%3Cc%3Ed&#39;e\">x</a>");
	expect_href("  /leading", "<a href=\"/leading\">x</a>");
	expect_href("/%41[]\\", "<a href=\"/%41%5B%5D%5C\">x</a>");
}

static void url_attribute_start_is_after_literal_whitespace_only(void **state)
{
	(void)state;
	expect("<a href=\" {{u}}\">", json_pack("{s:s}", "u", "javascript:alert(1)"),
		"<a href=\" about:invalid\">");
}

static void later_in_a_url_a_slot_is_one_encoded_component(void **state)
{
	(void)state;
	expect("<a href=\"/search?q={{q}}&amp;page=1\">",
		json_pack("{s:s}", "q", "a&b=c d/東"),
		"<a href=\"/search?q=a%26b%3Dc%20d%2F%E6%9D%B1&amp;page=1\">");
	expect("<a href=\"/users/{{id}}\">", json_pack("{s:s}", "id", "../admin"),
		"<a href=\"/users/..%2Fadmin\">");
	expect("<a href=\"{{a}}{{b}}\">",
		json_pack("{s:s,s:s}", "a", "/x?", "b", "javascript:alert(1)"),
		"<a href=\"/x?javascript%3Aalert%281%29\">");
}

/* When a block may or may not have written the start of a URL, what follows
 * is encoded as a component: it can never be read as a scheme. */
static void url_start_after_a_block_is_encoded_as_a_component(void **state)
{
	(void)state;
	const char *src = "<a href=\"{{#if a}}/x/{{/if}}{{u}}\">";
	expect(src, json_pack("{s:b,s:s}", "a", 1, "u", "javascript:alert(1)"),
		"<a href=\"/x/javascript%3Aalert%281%29\">");
	expect(src, json_pack("{s:b,s:s}", "a", 0, "u", "javascript:alert(1)"),
		"<a href=\"javascript%3Aalert%281%29\">");
}

/* ---- what does not compile ---- */

static void slots_where_no_escaping_is_safe_are_errors(void **state)
{
	(void)state;
	expect_error("<script>var x = {{x}};</script>", "t.html:1: {{x}} inside <script>");
	expect_error("<SCRIPT type=module>\n{{t \"home.title\"}}</SCRIPT>",
		"t.html:2: {{t \"home.title\"}} inside <script>");
	expect_error("<style>p { color: {{c}} }</style>", "t.html:1: {{c}} inside <style>");
	expect_error("<!-- {{x}} -->", "t.html:1: {{x}} in an HTML comment");
	expect_error("<!DOCTYPE {{x}}>", "t.html:1: {{x}} in an HTML comment");
	expect_error("<{{x}}>", "t.html:1: {{x}} in a tag name");
	expect_error("<h{{n}}>", "t.html:1: {{n}} in a tag name");
	expect_error("</{{x}}>", "t.html:1: {{x}} in a tag name");
	expect_error("<a {{x}}>", "t.html:1: {{x}} in an attribute name");
	expect_error("<a data-{{x}}=\"1\">", "t.html:1: {{x}} in an attribute name");
	expect_error("<a href={{u}}>", "t.html:1: {{u}} in an unquoted attribute value");
	expect_error("<a class=x{{c}}>", "t.html:1: {{c}} in an unquoted attribute value");
	expect_error("<a onclick=\"go('{{x}}')\">",
		"t.html:1: {{x}} in an event-handler or style attribute");
	expect_error("<p style=\"color: {{c}}\">",
		"t.html:1: {{c}} in an event-handler or style attribute");
	expect_error("<iframe srcdoc=\"{{x}}\">",
		"t.html:1: {{x}} in an event-handler or style attribute");
}

static void script_and_style_end_where_the_browser_ends_them(void **state)
{
	(void)state;
	expect("<script src=\"/app.js\"></script>{{x}}<style>p{}</StYlE >{{x}}",
		json_pack("{s:s}", "x", "<"),
		"<script src=\"/app.js\"></script>&lt;<style>p{}</StYlE >&lt;");
	expect_error("<script>a = '</scripts>'; {{x}}</script>",
		"t.html:1: {{x}} inside <script>");
	expect_error("<script><!--</script>", "t.html:1: <!-- inside <script>");
	expect_error("<svg><![CDATA[ x ]]></svg>", "t.html:1: <![CDATA[ is not supported");
	expect("<!-- a > b -- c -->{{x}}<!---->{{x}}<!-->{{x}}",
		json_pack("{s:s}", "x", "&"), "<!-- a > b -- c -->&amp;<!---->&amp;<!-->&amp;");
}

/* Text-only elements end only at their closing tag; slots in them are text. */
static void textarea_and_title_hold_text_up_to_their_end_tag(void **state)
{
	(void)state;
	expect("<title>{{x}}</title><textarea name=\"t\"><b title=\"{{x}}</textarea>{{x}}",
		json_pack("{s:s}", "x", "</textarea><script>"),
		"<title>&lt;/textarea&gt;&lt;script&gt;</title><textarea name=\"t\"><b title=\""
		"&lt;/textarea&gt;&lt;script&gt;</textarea>&lt;/textarea&gt;&lt;script&gt;");
	expect_error("<textarea><b title=\"</textarea><a href={{u}}>",
		"t.html:1: {{u}} in an unquoted attribute value");
	expect_error("<textarea>{{raw x}}</textarea>", "t.html:1: {{raw x}} inside <textarea>");
	expect_error("<title>", "t.html:1: template ends inside <title>");
}

static void raw_and_partials_belong_in_text(void **state)
{
	(void)state;
	expect_error("<p class=\"{{raw x}}\">", "t.html:1: {{raw x}} in an attribute value");
	expect_error("<p {{> attrs}}>", "t.html:1: {{> attrs}} in an attribute name");
}

static void malformed_blocks_are_errors(void **state)
{
	(void)state;
	expect_error("<p>{{#if a}}x</p>", "t.html:1: unclosed {{#if}}");
	expect_error("a\n\n{{#each xs}}\n{{#unless b}}{{/unless}}\n",
		"t.html:3: unclosed {{#each}}");
	expect_error("x\n{{/if}}", "t.html:2: {{/if}} without an open block");
	expect_error("{{#if a}}\n{{/each}}", "t.html:2: {{/each}} closes {{#if}} from line 1");
	expect_error("{{else}}", "t.html:1: {{else}} outside a block");
	expect_error("{{#if a}}{{else}}{{else}}{{/if}}",
		"t.html:1: second {{else}} in {{#if}} from line 1");
	expect_error("<p>{{x</p>", "t.html:1: unclosed {{");
}

static void unknown_directives_are_errors(void **state)
{
	(void)state;
	expect_error("{{foo bar}}", "t.html:1: unknown directive {{foo bar}}");
	expect_error("{{#with x}}{{/with}}", "t.html:1: unknown directive {{#with x}}");
	expect_error("{{#if}}{{/if}}", "t.html:1: unknown directive {{#if}}");
	expect_error("{{ }}", "t.html:1: unknown directive {{}}");
	expect_error("{{a..b}}", "t.html:1: unknown directive {{a..b}}");
	expect_error("{{t home.title}}", "t.html:1: unknown directive {{t home.title}}");
	expect_error("{{{x}}}", "t.html:1: unknown directive {{{x}}");
}

static void branches_must_agree_on_the_markup_context(void **state)
{
	(void)state;
	expect_error("{{#if a}}<b>{{else}}<i{{/if}}>",
		"t.html:1: branches of {{#if}} from line 1 end in different HTML contexts");
	expect_error("{{#unless a}}<p title=\"{{/unless}}\">",
		"t.html:1: branches of {{#unless}} from line 1 end in different HTML contexts");
	expect_error("<ul>{{#each xs}}<li class=\"{{/each}}\">",
		"t.html:1: {{#each}} from line 1 does not end in the HTML context it starts in");
	expect_error("<input {{#if a}}checked{{/if}}disabled>",
		"t.html:1: attribute after a block needs a space before it");
	expect_error("{{#if a}}<a href{{else}}<a title{{/if}}=\"{{x}}\">",
		"t.html:1: attribute after a block needs a space before it");
	expect_error("<scr{{#if a}}ipt{{/if}}>",
		"t.html:1: branches of {{#if}} from line 1 end in different HTML contexts");
}

static void templates_must_end_in_text(void **state)
{
	(void)state;
	expect_error("<script>", "t.html:1: template ends inside <script>");
	expect_error("<p title=\"x", "t.html:1: template ends in an attribute value");
	expect_error("<!-- x", "t.html:1: template ends in an HTML comment");
	expect_error("<p", "t.html:1: template ends in a tag name");
}

static void limits_are_errors(void **state)
{
	(void)state;
	char deep[33 * 12 + 1] = "";
	for (int i = 0; i < 33; i++)
		strcat(deep, "{{#if a}}");
	expect_error(deep, "t.html:1: blocks nested deeper than 32");

	size_t n = TPL_MAX_SOURCE + 1;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	char err[256];
	assert_null(tpl_compile("big.html", big, n, err, sizeof err));
	assert_string_equal(err, "big.html:1: template larger than 1048576 bytes");
	struct tpl *t = tpl_compile("big.html", big, n - 1, err, sizeof err);
	assert_non_null(t);
	tpl_free(t);
	free(big);
}

/* ---- blocks and scopes ---- */

static void if_is_true_for_non_empty_non_zero_values(void **state)
{
	(void)state;
	const char *src = "{{#if v}}yes{{else}}no{{/if}}";
	expect(src, json_pack("{s:s}", "v", "x"), "yes");
	expect(src, json_pack("{s:i}", "v", 7), "yes");
	expect(src, json_pack("{s:f}", "v", 0.5), "yes");
	expect(src, json_pack("{s:b}", "v", 1), "yes");
	expect(src, json_pack("{s:[i]}", "v", 0), "yes");
	expect(src, json_pack("{s:{s:n}}", "v", "k"), "yes");
	expect(src, json_pack("{s:s}", "v", ""), "no");
	expect(src, json_pack("{s:i}", "v", 0), "no");
	expect(src, json_pack("{s:f}", "v", 0.0), "no");
	expect(src, json_pack("{s:b}", "v", 0), "no");
	expect(src, json_pack("{s:n}", "v"), "no");
	expect(src, json_pack("{s:[]}", "v"), "no");
	expect(src, json_pack("{s:{}}", "v"), "no");
	expect(src, json_object(), "no");
	expect("{{#if v}}yes{{/if}}", json_object(), "");
}

static void unless_inverts_if(void **state)
{
	(void)state;
	const char *src = "{{#unless admin}}guest{{else}}admin{{/unless}}";
	expect(src, json_pack("{s:b}", "admin", 0), "guest");
	expect(src, json_pack("{s:b}", "admin", 1), "admin");
}

static void each_repeats_with_index_and_element(void **state)
{
	(void)state;
	expect("<ul>{{#each xs}}<li>{{@index}}={{.}}</li>{{/each}}</ul>",
		json_pack("{s:[s,s,i]}", "xs", "a", "<b>", 3),
		"<ul><li>0=a</li><li>1=&lt;b&gt;</li><li>2=3</li></ul>");
	const char *src = "{{#each xs}}{{.}}{{else}}none{{/each}}";
	expect(src, json_pack("{s:[]}", "xs"), "none");
	expect(src, json_object(), "none");
	expect(src, json_pack("{s:s}", "xs", "not an array"), "none");
	expect("{{#each xs}}{{#each .}}{{@index}}{{.}}{{/each}};{{/each}}",
		json_pack("{s:[[s,s],[s]]}", "xs", "a", "b", "c"), "0a1b;0c;");
}

static void names_resolve_from_the_element_outwards(void **state)
{
	(void)state;
	expect("{{#each users}}{{name}}@{{team}} {{/each}}",
		json_pack("{s:s,s:[{s:s},{s:s,s:s}]}", "team", "T",
			"users", "name", "A", "name", "B", "team", "U"),
		"A@T B@U ");
	expect("{{#each teams}}{{name}}:{{#each members}}{{.}}/{{name}} {{/each}}{{/each}}",
		json_pack("{s:s,s:[{s:s,s:[s,s]}]}", "name", "root",
			"teams", "name", "t1", "members", "m1", "m2"),
		"t1:m1/t1 m2/t1 ");
	expect("{{#each xs}}{{a.b}},{{/each}}",
		json_pack("{s:{s:s},s:[{s:{s:s}},{s:i}]}", "a", "b", "outer",
			"xs", "a", "b", "inner", "a", 1),
		"inner,,");
}

static void dotted_paths_walk_objects(void **state)
{
	(void)state;
	expect("{{user.profile.name}}|{{user.nope.name}}|{{user.profile}}",
		json_pack("{s:{s:{s:s}}}", "user", "profile", "name", "Ann & Bob"),
		"Ann &amp; Bob||");
}

static void blocks_nest(void **state)
{
	(void)state;
	expect("{{#if show}}<ul>{{#each xs}}{{#unless hidden}}"
		"<li class=\"{{#if @index}}later{{else}}first{{/if}}\">{{name}}</li>"
		"{{/unless}}{{/each}}</ul>{{/if}}",
		json_pack("{s:b,s:[{s:s},{s:s,s:b},{s:s}]}", "show", 1, "xs",
			"name", "a", "name", "b", "hidden", 1, "name", "c"),
		"<ul><li class=\"first\">a</li><li class=\"later\">c</li></ul>");
}

static void attributes_may_be_switched_by_blocks(void **state)
{
	(void)state;
	const char *src = "<input {{#if on}}checked{{/if}} name=\"{{n}}\">";
	expect(src, json_pack("{s:b,s:s}", "on", 1, "n", "<x>"),
		"<input checked name=\"&lt;x&gt;\">");
	expect(src, json_pack("{s:b,s:s}", "on", 0, "n", "<x>"),
		"<input  name=\"&lt;x&gt;\">");
	expect("<p{{#if on}} class=\"on\"{{/if}}>",
		json_pack("{s:b}", "on", 1), "<p class=\"on\">");
	expect("<p {{#each xs}}data-x=\"{{.}}\" {{/each}}>",
		json_pack("{s:[i,s]}", "xs", 1, "<"), "<p data-x=\"1\" data-x=\"&lt;\" >");
}

static void comments_vanish(void **state)
{
	(void)state;
	expect("a{{! not <shown> }}b{{!}}c", json_object(), "abc");
}

static void raw_inserts_markup_unescaped(void **state)
{
	(void)state;
	expect("<div>{{raw body}}</div>", json_pack("{s:s}", "body", "<b>bold</b>"),
		"<div><b>bold</b></div>");
}

/* ---- translations and partials ---- */

static void translations_are_escaped_for_their_place(void **state)
{
	(void)state;
	expect("<h1 title=\"{{t \"greeting\"}}\">{{t \"greeting\"}}</h1>{{t \"home.title\"}}",
		json_object(),
		"<h1 title=\"Hi &lt;b&gt;you&lt;/b&gt; &amp; &quot;friends&quot;\">"
		"Hi &lt;b&gt;you&lt;/b&gt; &amp; &quot;friends&quot;</h1>ホーム");
	expect("<a href=\"{{t \"bad.link\"}}\">", json_object(), "<a href=\"about:invalid\">");
	expect_render_fails("{{t \"no.such.key\"}}", json_object());
}

static void a_render_without_env_fails_only_when_it_needs_one(void **state)
{
	(void)state;
	struct tpl *t = compile("t.html", "<p>{{x}}</p>{{#if later}}{{t \"greeting\"}}{{/if}}");
	json_t *d = json_pack("{s:s,s:b}", "x", "y", "later", 0);
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(tpl_render(t, d, NULL, &b), 0);
	assert_string_equal(b.data, "<p>y</p>");
	json_object_set_new(d, "later", json_true());
	assert_int_equal(tpl_render(t, d, NULL, &b), -1);
	buf_release(&b);
	json_decref(d);
	tpl_free(t);
}

static void partials_render_in_the_current_scope(void **state)
{
	(void)state;
	add_partial("nav", "<nav>{{user.name}}</nav>");
	add_partial("row", "<li>{{@index}} {{name}} {{site}}</li>");
	expect("{{> nav}}<ul>{{#each xs}}{{>row}}{{/each}}</ul>",
		json_pack("{s:{s:s},s:s,s:[{s:s}]}", "user", "name", "<Ann>", "site",
			"S", "xs", "name", "B"),
		"<nav>&lt;Ann&gt;</nav><ul><li>0 B S</li></ul>");
	expect_render_fails("{{> missing}}", json_object());
}

static void partials_nest_at_most_eight_deep(void **state)
{
	(void)state;
	add_partial("p1", "1{{> p2}}");
	add_partial("p2", "2{{> p3}}");
	add_partial("p3", "3{{> p4}}");
	add_partial("p4", "4{{> p5}}");
	add_partial("p5", "5{{> p6}}");
	add_partial("p6", "6{{> p7}}");
	add_partial("p7", "7{{> p8}}");
	add_partial("p8", "8");
	add_partial("loop", "x{{> loop}}");
	expect("{{> p1}}", json_object(), "12345678");
	expect_render_fails("{{> p0}}", json_object());
	add_partial("p0", "0{{> p1}}");
	expect_render_fails("{{> p0}}", json_object());
	expect_render_fails("{{> loop}}", json_object());
}

/* ---- bounds ---- */

static void output_and_work_are_bounded(void **state)
{
	(void)state;
	char *got;
	assert_int_equal(render_max("{{x}}{{x}}", json_pack("{s:s}", "x", "12345"), 8, &got), -1);
	free(got);
	json_t *xs = json_array();
	for (int i = 0; i < 100; i++)
		json_array_append_new(xs, json_integer(i));
	expect_render_fails("{{#each xs}}{{#each xs}}{{#each xs}}{{#each xs}}"
		"{{/each}}{{/each}}{{/each}}{{/each}}",
		json_pack("{s:o}", "xs", xs));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_escapes_all_five_metacharacters),
		cmocka_unit_test(quoted_attributes_cannot_be_broken_out_of),
		cmocka_unit_test(values_render_by_type),
		cmocka_unit_test(url_attributes_keep_safe_urls),
		cmocka_unit_test(url_attributes_replace_other_schemes),
		cmocka_unit_test(url_attributes_percent_encode_unsafe_bytes),
		cmocka_unit_test(url_attribute_start_is_after_literal_whitespace_only),
		cmocka_unit_test(later_in_a_url_a_slot_is_one_encoded_component),
		cmocka_unit_test(url_start_after_a_block_is_encoded_as_a_component),
		cmocka_unit_test(slots_where_no_escaping_is_safe_are_errors),
		cmocka_unit_test(script_and_style_end_where_the_browser_ends_them),
		cmocka_unit_test(textarea_and_title_hold_text_up_to_their_end_tag),
		cmocka_unit_test(raw_and_partials_belong_in_text),
		cmocka_unit_test(malformed_blocks_are_errors),
		cmocka_unit_test(unknown_directives_are_errors),
		cmocka_unit_test(branches_must_agree_on_the_markup_context),
		cmocka_unit_test(templates_must_end_in_text),
		cmocka_unit_test(limits_are_errors),
		cmocka_unit_test(if_is_true_for_non_empty_non_zero_values),
		cmocka_unit_test(unless_inverts_if),
		cmocka_unit_test(each_repeats_with_index_and_element),
		cmocka_unit_test(names_resolve_from_the_element_outwards),
		cmocka_unit_test(dotted_paths_walk_objects),
		cmocka_unit_test(blocks_nest),
		cmocka_unit_test(attributes_may_be_switched_by_blocks),
		cmocka_unit_test(comments_vanish),
		cmocka_unit_test(raw_inserts_markup_unescaped),
		cmocka_unit_test(translations_are_escaped_for_their_place),
		cmocka_unit_test(a_render_without_env_fails_only_when_it_needs_one),
		cmocka_unit_test_teardown(partials_render_in_the_current_scope, drop_partials),
		cmocka_unit_test_teardown(partials_nest_at_most_eight_deep, drop_partials),
		cmocka_unit_test(output_and_work_are_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
