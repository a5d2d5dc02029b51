// GOV.UK Frontend components (error summary focus, buttons, service navigation).
import { initAll } from './govuk/govuk-frontend.min.js'

initAll()
