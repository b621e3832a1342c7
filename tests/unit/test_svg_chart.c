/* The server's SVG charts and their numbers: which ticks an axis gets,
 * how numbers are written, how text is escaped, and that every kind of
 * chart, with hostile labels, empty or with many points, is well-formed
 * XML (read by libxml2) with role="img", its title and description, and
 * no script, style or external reference. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <string.h>
#include "stats/chart_scale.h"
#include "stats/svg_chart.h"

/* Ticks as text "first..last/step n" for exact comparison. */
static void ticks_are(double lo, double hi, int max, bool expand, bool integers, const char *want)
{
	struct chart_ticks t;
	chart_nice_ticks(lo, hi, max, expand, integers, &t);
	char got[96];
	snprintf(got, sizeof(got), "%g..%g/%g %d", chart_tick_value(&t, 0), chart_tick_value(&t, t.n - 1), t.step, t.n);
	if (strcmp(got, want) != 0)
		fail_msg("ticks for %g..%g (max %d%s%s): %s, want %s", lo, hi, max, expand ? ", expand" : "",
		         integers ? ", integers" : "", got, want);
	assert_true(t.n <= max);
}

static void value_axes_start_at_a_nice_tick_and_cover_the_data(void **state)
{
	ticks_are(0, 235, 6, true, true, "0..250/50 6");
	ticks_are(0, 3000, 6, true, true, "0..3000/1000 4");
	ticks_are(0, 986, 6, true, true, "0..1000/200 6");
	ticks_are(0, 7, 6, true, true, "0..8/2 5");
	ticks_are(0, 1, 6, true, true, "0..1/1 2");
	ticks_are(0, 0, 6, true, true, "0..1/1 2");          /* nothing yet: still an axis */
	ticks_are(0, 12.5, 6, true, false, "0..15/5 4");     /* median days */
	ticks_are(0, 0.9, 6, true, false, "0..1/0.2 6");
	ticks_are(0, 100000, 6, true, true, "0..100000/20000 6");
	ticks_are(235, 0, 6, true, true, "0..250/50 6");     /* given the wrong way round */
}

static void year_axes_stay_within_the_data(void **state)
{
	ticks_are(2007, 2021, 8, false, true, "2008..2020/2 7");
	ticks_are(2007, 2017.5, 8, false, true, "2008..2016/2 5");
	ticks_are(2016, 2017, 8, false, true, "2016..2017/1 2");
	ticks_are(1996, 2026, 8, false, true, "2000..2025/5 6");
	ticks_are(2017, 2017, 8, false, true, "2017..2017/1 1");  /* one year alone */
}

static void not_numbers_count_as_zero(void **state)
{
	ticks_are(NAN, INFINITY, 6, true, true, "0..1/1 2");
}

static void tick_values_are_rounded_to_the_step(void **state)
{
	struct chart_ticks t;
	chart_nice_ticks(0, 0.9, 6, true, false, &t);
	assert_int_equal(t.decimals, 1);
	assert_true(chart_tick_value(&t, 3) == 0.6);   /* not 0.6000000000000001 */
}

static void numbers_have_thousands_separators(void **state)
{
	static const struct {
		double v;
		int decimals;
		const char *want;
	} cases[] = {
		{0, 0, "0"}, {7, 0, "7"}, {999, 0, "999"}, {1000, 0, "1,000"}, {3000, 0, "3,000"}, {1234567, 0, "1,234,567"},
		{1393.6, 0, "1,394"}, {12.26, 1, "12.3"}, {0.5, 1, "0.5"}, {-1234.5, 1, "-1,234.5"}, {-0.01, 1, "0.0"},
		{63.3, 1, "63.3"}, {NAN, 0, ""}, {INFINITY, 0, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[32];
		chart_format_number(cases[i].v, cases[i].decimals, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%g with %d decimals: \"%s\", want \"%s\"", cases[i].v, cases[i].decimals, out, cases[i].want);
	}
}

static void text_is_escaped_for_xml(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"a & b", "a &amp; b"},
		{"<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
		{"\"quoted\"", "&quot;quoted&quot;"},
		{"tab\there\nnew\x01line\x7f", "tab here new line "},
		{"情報通信", "情報通信"},
		{"bad \xff byte", "bad \xEF\xBF\xBD byte"},
		{"cut \xE6\x83", "cut \xEF\xBF\xBD\xEF\xBF\xBD"},
		{"c1 \xC2\x85 control", "c1   control"},
		{"nonchar \xEF\xBF\xBF", "nonchar  "},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;
		buf_init(&b, 4096);
		assert_int_equal(svg_escape(&b, cases[i].in), 0);
		if (strcmp(b.data ? b.data : "", cases[i].want) != 0)
			fail_msg("escape(\"%s\") = \"%s\", want \"%s\"", cases[i].in, b.data ? b.data : "", cases[i].want);
		buf_release(&b);
	}
	struct buf b;
	buf_init(&b, 16);
	assert_int_equal(svg_escape(&b, NULL), 0);
	assert_int_equal(svg_escape(&b, "&&&&&&&&"), -1);   /* more than the buffer may hold */
	buf_release(&b);
}

/* Parse SVG strictly (no network, no entities from outside, errors
 * fatal) and check what every chart must be. */
static void check_svg(const struct buf *b, const char *id)
{
	assert_non_null(b->data);
	xmlDocPtr doc = xmlReadMemory(b->data, (int)b->len, "chart.svg", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
	                                                                            XML_PARSE_NOWARNING);
	if (!doc)
		fail_msg("not well-formed XML:\n%s", b->data);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "svg");
	assert_non_null(root->ns);
	assert_string_equal((const char *)root->ns->href, "http://www.w3.org/2000/svg");
	xmlChar *role = xmlGetProp(root, (const xmlChar *)"role");
	xmlChar *labelled = xmlGetProp(root, (const xmlChar *)"aria-labelledby");
	assert_string_equal((const char *)role, "img");
	char want[96];
	snprintf(want, sizeof(want), "%s-title %s-desc", id, id);
	assert_string_equal((const char *)labelled, want);
	xmlFree(role);
	xmlFree(labelled);
	/* The first two children: <title id="ID-title"> and <desc id="ID-desc">. */
	xmlNodePtr first = xmlFirstElementChild(root), second = xmlNextElementSibling(first);
	assert_string_equal((const char *)first->name, "title");
	assert_string_equal((const char *)second->name, "desc");
	xmlChar *tid = xmlGetProp(first, (const xmlChar *)"id");
	snprintf(want, sizeof(want), "%s-title", id);
	assert_string_equal((const char *)tid, want);
	xmlFree(tid);
	xmlFreeDoc(doc);
	/* Nothing the page's Content-Security-Policy would refuse, nothing from outside. */
	assert_null(strstr(b->data, "<script"));
	assert_null(strstr(b->data, "<style"));
	assert_null(strstr(b->data, " style="));
	assert_null(strstr(b->data, "href"));
	assert_null(strstr(b->data, "url("));
	for (const char *p = b->data; (p = strstr(p, " on")); p++) {
		/* An event handler attribute: " on" letters "=". */
		size_t letters = strspn(p + 3, "abcdefghijklmnopqrstuvwxyz");
		if (letters && p[3 + letters] == '=')
			fail_msg("an event handler attribute: %.40s", p);
	}
}

static const char *const hostile[] = {
	"<script>alert(1)</script>", "A & B \"quoted\" 'single'", "情報通信（ICT）・とても長い業種の名前がここに続きます",
	"bad \xff\xfe bytes", "]]><!--", "\x01\x02 controls",
};

static void every_kind_of_chart_is_well_formed(void **state)
{
	double x[] = {2007, 2008, 2009, 2010, 2010.5}, y[] = {6, 9, 13, NAN, 17}, p[] = {NAN, NAN, 13, 20, 30};
	struct svg_series line[] = {{"Members <&>", SVG_SOLID, x, y, 5}, {"Projected \xff", SVG_DASHED, x, p, 5}};
	double a[] = {5, 0, 12, 3, 1, 2}, b2[] = {1, 2, NAN, 4, 0, 9};
	struct svg_series bars[] = {{"Joined", SVG_SOLID, NULL, a, 6}, {"Founded & more", SVG_SOLID, NULL, b2, 6}};
	static const struct {
		enum svg_kind kind;
		size_t nseries;
		bool line;
	} kinds[] = {{SVG_LINE, 1, true}, {SVG_LINE, 2, true}, {SVG_COLUMNS, 1, false}, {SVG_COLUMNS, 2, false},
	             {SVG_BARS, 1, false}, {SVG_BARS, 2, false}};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int titled = 0; titled < 2; titled++) {
			struct svg_chart c = {
				.kind = kinds[k].kind, .id = "chart_1-x", .title = "Members <by> \"year\" & more",
				.desc = "Dashed: a projection at 63.3% a year \xff.", .show_title = titled, .x_label = "Year & month",
				.y_label = "Teams <n>", .categories = hostile, .ncategories = kinds[k].line ? 0 : 6,
				.series = kinds[k].line ? line : bars, .nseries = kinds[k].nseries, .decimals = 0, .x_years = true,
				.empty = "No data",
			};
			struct buf out;
			buf_init(&out, 1 << 20);
			assert_int_equal(svg_chart_write(&out, &c), 0);
			check_svg(&out, "chart_1-x");
			/* The hostile label is there, escaped, never as markup. */
			if (!kinds[k].line)
				assert_non_null(strstr(out.data, "&lt;script&gt;"));
			buf_release(&out);
		}
	}
}

static void empty_and_large_charts_are_well_formed(void **state)
{
	double none[] = {NAN, NAN};
	double x[] = {0, 1};
	struct svg_series s = {"Members", SVG_SOLID, x, none, 2};
	struct svg_chart c = {.kind = SVG_LINE, .id = "e", .title = "t", .desc = "d", .series = &s, .nseries = 1,
	                      .empty = "No data <yet>"};
	struct buf out;
	buf_init(&out, 1 << 20);
	assert_int_equal(svg_chart_write(&out, &c), 0);
	check_svg(&out, "e");
	assert_non_null(strstr(out.data, "No data &lt;yet&gt;"));
	buf_release(&out);

	/* Ten years of months: no dot per point, one line. */
	static double mx[120], my[120];
	for (int i = 0; i < 120; i++) {
		mx[i] = 2007 + i / 12.0;
		my[i] = i * i;
	}
	struct svg_series m = {"Members", SVG_SOLID, mx, my, 120};
	struct svg_chart mc = {.kind = SVG_LINE, .id = "monthly", .title = "t", .desc = "d", .series = &m, .nseries = 1,
	                       .x_years = true};
	buf_init(&out, 1 << 20);
	assert_int_equal(svg_chart_write(&out, &mc), 0);
	check_svg(&out, "monthly");
	size_t circles = 0;
	for (const char *p = out.data; (p = strstr(p, "<circle")); p++)
		circles++;
	assert_int_equal(circles, 1);   /* only the last point, with its value */
	assert_non_null(strstr(out.data, ">14,161<"));
	buf_release(&out);
}

static void charts_that_cannot_be_drawn_are_refused(void **state)
{
	double v[] = {1, 2};
	struct svg_series s = {"s", SVG_SOLID, NULL, v, 2};
	const char *cats[] = {"a", "b"};
	struct svg_chart ok = {.kind = SVG_BARS, .id = "ok", .title = "t", .desc = "d", .categories = cats,
	                       .ncategories = 2, .series = &s, .nseries = 1};
	struct buf out;
	buf_init(&out, 1 << 20);
	assert_int_equal(svg_chart_write(&out, &ok), 0);
	struct svg_chart c = ok;
	c.id = "bad id\"";
	assert_int_equal(svg_chart_write(&out, &c), -1);       /* an id that would break the attribute */
	c = ok;
	c.nseries = 0;
	assert_int_equal(svg_chart_write(&out, &c), -1);
	c = ok;
	c.ncategories = 3;                                      /* the series has 2 values */
	assert_int_equal(svg_chart_write(&out, &c), -1);
	c = ok;
	c.kind = SVG_LINE;                                      /* a line needs x */
	assert_int_equal(svg_chart_write(&out, &c), -1);
	buf_release(&out);
	/* A buffer too small for the chart: -1, not a cut document passed off as whole. */
	buf_init(&out, 200);
	assert_int_equal(svg_chart_write(&out, &ok), -1);
	buf_release(&out);
}

static void text_widths_count_wide_characters_whole(void **state)
{
	assert_true(svg_text_width("abcd", 10) == 24);
	assert_true(svg_text_width("情報通信", 10) == 40);
	assert_true(svg_text_width(NULL, 10) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(value_axes_start_at_a_nice_tick_and_cover_the_data),
		cmocka_unit_test(year_axes_stay_within_the_data),
		cmocka_unit_test(not_numbers_count_as_zero),
		cmocka_unit_test(tick_values_are_rounded_to_the_step),
		cmocka_unit_test(numbers_have_thousands_separators),
		cmocka_unit_test(text_is_escaped_for_xml),
		cmocka_unit_test(every_kind_of_chart_is_well_formed),
		cmocka_unit_test(empty_and_large_charts_are_well_formed),
		cmocka_unit_test(charts_that_cannot_be_drawn_are_refused),
		cmocka_unit_test(text_widths_count_wide_characters_whole),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
