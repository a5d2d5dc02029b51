"""Board reports: an HWB board paper as HTML and PDF, every chart an SVG with its data table beside it.

``data`` gathers the figures from the finance engine (it never recomputes a rule), ``charts`` draws them
as SVG text, ``html`` lays out the paper with a Jinja2 template, and ``pdf`` prints it with WeasyPrint.
"""
