# Debian packages: installed once per package list, by scripts/deps.sh.
DEPS_STAMP := $(BUILD)/.deps-$(shell cksum < scripts/packages.txt | cut -d' ' -f1)

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/packages.txt scripts/deps.sh
	scripts/deps.sh scripts/packages.txt
	@mkdir -p $(@D) && touch $@
