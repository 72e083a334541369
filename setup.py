"""Packaging details pyproject.toml cannot express statically.

The sample ledger lives in ``examples/`` (where people look for it) and is installed as
the package data of ``bot.sample_data`` so that ``arbot init`` and ``arbot demo`` work from
a plain ``pip install``, not only from a source checkout.
"""

from setuptools import find_packages, setup

packages = find_packages(include=["bot", "bot.*", "parsers", "parsers.*", "campaigns", "campaigns.*",
                                  "templates", "templates.*"])
packages.append("bot.sample_data")

setup(
    packages=packages,
    package_dir={"bot.sample_data": "examples"},
    package_data={
        "bot": ["py.typed", "migrations/*.mako", "reference.toml"],
        "bot.sample_data": ["*.csv", "*.md", "*.eml", "replies/*.eml"],
        "parsers": ["py.typed", "data/*", "data/**/*"],
        "campaigns": ["py.typed"],
        "templates": ["*.j2", "**/*.j2", "**/*.css", "*.css", "**/*.txt"],
    },
    include_package_data=True,
)
