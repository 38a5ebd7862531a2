# Passerelle — español. Un archivo por idioma; los identificadores son los mismos en fr, en y es.
# Las palabras siguen el glosario (shared/GLOSSARY.md).

## Diseño de página
skip-to-content = Ir al contenido
nav-label = Menú principal
nav-dashboard = Panel
nav-users = Usuarios
nav-agencies = Organizaciones
nav-areas = Zonas
nav-audit = Registro de auditoría
nav-security-policy = Política de seguridad
nav-account = Mi cuenta
sign-in = Iniciar sesión
sign-out = Cerrar sesión
language = Idioma
language-browser = El idioma del navegador
footer-api = API para desarrolladores

## Inicio y acceso
home-title = Passerelle
home-intro = Passerelle ayuda a los servicios sociales a proteger a las personas: mapea los servicios, da seguimiento a los casos según procedimientos acordados y sigue las derivaciones entre organizaciones hasta su resultado.
home-staff-sign-in = Acceso del personal
login-title = Iniciar sesión
login-failed = El correo electrónico o la contraseña no son correctos.
login-locked = Esta cuenta queda bloqueada durante 15 minutos tras demasiados intentos fallidos. Vuelva a intentarlo más tarde o pida a un·a administrador·a que la desbloquee.
login-throttled = Demasiados intentos de inicio de sesión fallidos desde su red. Espere 15 minutos y vuelva a intentarlo.
totp-login-title = Verificación en dos pasos
totp-code-hint = Introduzca el código de 6 dígitos que muestra su aplicación de autenticación.
totp-verify = Verificar
totp-wrong = El código no es correcto o ha caducado.

## Panel
dashboard-greeting = Le damos la bienvenida, { $name }
dashboard-roles = Sus roles:
dashboard-agency = Organización: { $agency }

## Cuenta
account-second-factor = Verificación en dos pasos
account-password-title = Cambiar mi contraseña
account-password-forced = Elija una contraseña nueva antes de continuar.
account-password-submit = Cambiar la contraseña
account-security-title = Verificación en dos pasos
account-tokens-title = Tokens de API
password-hint = Al menos 12 caracteres. Una frase de varias palabras es fácil de recordar y difícil de adivinar.
totp-required-notice = Su rol exige la verificación en dos pasos. Actívela para continuar.
totp-enabled = La verificación en dos pasos está activada en su cuenta.
totp-disable = Desactivar la verificación en dos pasos
totp-enable = Activar la verificación en dos pasos
totp-setup-title = Configurar la verificación en dos pasos
totp-setup-step1 = Abra una aplicación de autenticación en su teléfono y escanee este código, o escriba la clave que aparece abajo.
totp-setup-step2 = Introduzca el código de 6 dígitos que muestra la aplicación para confirmar.
totp-secret-label = Clave:
tokens-intro = Un token de API personal permite que un script u otro sistema use Passerelle en su nombre, con sus permisos. Manténgalo en secreto y revóquelo cuando ya no lo necesite.
tokens-shown-once = Copie este token ahora: no se volverá a mostrar.
tokens-create = Crear un token
tokens-none = No tiene ningún token de API.
tokens-caption = Sus tokens de API
tokens-prefix = Empieza por
tokens-created = Creado
tokens-last-used = Último uso
tokens-status = Estado
tokens-revoke = Revocar
tokens-revoked = Revocado

## Estados y acciones
status-on = Activado
status-off = Desactivado
status-yes = Sí
status-no = No
action-create = Crear
action-save = Guardar
action-filter = Filtrar
filter-all = Todos
pager-next = Página siguiente
pager-previous = Página anterior
pager-first = Primera página
pager-label = Páginas
pager-older = Entradas anteriores

## Campos
field-email = Correo electrónico
field-password = Contraseña
field-current-password = Contraseña actual
field-new-password = Contraseña nueva
field-confirm-password = Repita la contraseña nueva
field-temporary-password = Contraseña temporal
field-display-name = Nombre
field-name = Nombre
field-kind = Tipo
field-sector = Sector
field-area-id = Zona
field-parent-id = Forma parte de
field-agency-id = Organización
field-team-id = Equipo
field-team-name = Nombre del equipo
field-roles = Roles
field-role = Rol
field-language = Idioma
field-lang = Idioma
field-code = Código
field-level = Nivel
field-active = Activo
field-token-name = Nombre del token
field-totp-code = Código
field-action = Acción
field-totp-required = Roles que deben usar la verificación en dos pasos

## Roles
role-caseworker = Trabajador·a social
role-supervisor = Supervisor·a
role-service-focal-point = Punto focal de servicio
role-community-agent = Agente comunitario·a
role-trainer = Formador·a
role-quality-officer = Responsable de calidad
role-me-officer = Oficial de monitoreo y evaluación
role-administrator = Administrador·a

## Organizaciones, equipos, zonas
agency-kind-ministry = Ministerio o dependencia del gobierno
agency-kind-child-protection-unit = Unidad de protección de la infancia
agency-kind-police = Policía
agency-kind-health = Servicio de salud
agency-kind-ngo = Organización no gubernamental
agency-kind-employment-agency = Servicio público de empleo
agency-kind-international-organisation = Organización internacional
agency-kind-other = Otro
sector-public = Público
sector-civil-society = Sociedad civil
sector-private = Privado
sector-international = Internacional
agencies-count = { $count ->
    [one] Una organización
   *[other] { $count } organizaciones
}
agencies-new = Nueva organización
teams-title = Equipos
teams-none = Esta organización aún no tiene equipos.
teams-add = Añadir el equipo
areas-count = { $count ->
    [one] Una zona
   *[other] { $count } zonas
}
areas-new = Nueva zona
areas-level-hint = 0 para el país, 1 para sus primeras divisiones (regiones, parroquias), 2 para las siguientes, y así sucesivamente.

## Usuarios
users-new = Nuevo usuario
users-filter = Filtrar usuarios
users-search = Nombre o correo electrónico
users-include-inactive = Incluir cuentas desactivadas
users-caption = Cuentas del personal
users-status = Estado
users-active = Activa
users-inactive = Desactivada
users-locked = Bloqueada
users-none = Ninguna cuenta coincide.
users-temporary-password-hint = Al menos 12 caracteres. Entréguela a la persona por un canal seguro; deberá cambiarla la primera vez que inicie sesión.
users-account-actions = Cuenta
users-last-sign-in = Último inicio de sesión
users-deactivate = Desactivar la cuenta
users-reactivate = Reactivar la cuenta
users-unlock = Desbloquear la cuenta
users-reset-hint = Las sesiones de la persona se cierran y deberá elegir una contraseña nueva en su próximo inicio de sesión.
users-reset-password = Restablecer la contraseña
users-audit-link = El historial de esta cuenta en el registro de auditoría
user-done-saved = Cambios guardados.
user-done-deactivated = La cuenta está desactivada. Su historial se conserva.
user-done-reactivated = La cuenta vuelve a estar activa.
user-done-password-reset = La contraseña se ha restablecido.
user-done-unlocked = La cuenta está desbloqueada.

## Registro de auditoría
audit-verify = Comprobar toda la cadena ahora
audit-verified = { $count ->
    [one] La cadena de auditoría está intacta (se comprobó una entrada).
   *[other] La cadena de auditoría está intacta (se comprobaron { $count } entradas).
}
audit-broken-altered = La cadena de auditoría está rota: la entrada { $seq } fue alterada.
audit-broken-gap = La cadena de auditoría está rota: faltan entradas antes de la entrada { $seq }.
audit-broken-unlinked = La cadena de auditoría está rota en la entrada { $seq }: una entrada anterior fue eliminada o modificada.
audit-filter = Filtrar el registro de auditoría
audit-caption = Entradas, de la más reciente a la más antigua
audit-at = Cuándo (UTC)
audit-actor = Quién
audit-actor-id = Quién (id de usuario)
audit-action = Acción
audit-entity = Registro
audit-entity-type = Tipo de registro
audit-entity-id = Id del registro
audit-detail = Detalle
audit-from = Desde
audit-until = Hasta
audit-none = Ninguna entrada coincide.

## Política de seguridad
policy-totp-legend = La verificación en dos pasos es obligatoria para
policy-totp-hint = Las personas con estos roles deben configurar la verificación en dos pasos antes de poder usar Passerelle.

## API
api-title = API de Passerelle
api-intro = Los scripts y otros sistemas usan Passerelle a través de esta API JSON, con un token de API personal enviado como "Authorization: Bearer …". Cada token tiene los permisos de su titular.
api-openapi-link = El documento OpenAPI (JSON)
api-operations = Operaciones
api-method = Método
api-path = Ruta
api-summary = Qué hace
api-parameters = Parámetros
api-body = Cuerpo
api-responses = Respuestas

## Errores
error-status = Error { $status }
error-home = Volver a la página de inicio
error-summary-title = Corrija lo siguiente, por favor
error-bad-request = No se pudo entender la solicitud.
error-unauthorized = Inicie sesión, por favor.
error-forbidden = No tiene permiso para hacer esto.
error-not-found = Esta página no existe o no tiene permiso para verla.
error-method = Esta acción no es posible aquí.
error-timeout = El servidor tardó demasiado en responder. Vuelva a intentarlo.
error-stale = Otra persona cambió este registro desde que usted lo abrió. Su cambio no se guardó: ábralo de nuevo, revise lo que cambió y repita su cambio.
error-conflict = Este valor ya está en uso.
error-too-large = Lo que envió es demasiado grande.
error-media-type = Este tipo de contenido no se acepta aquí.
error-invalid = Falta información o hay datos incorrectos.
error-too-many = Demasiadas solicitudes. Espere un poco y vuelva a intentarlo.
error-unavailable = El servicio no está disponible en este momento. Vuelva a intentarlo en breve.
error-computing = Las cifras se están calculando a partir de los registros
error-retry-after = El cálculo continúa mientras tanto: vuelva a intentarlo dentro de { $seconds } segundos.
error-load-again = Volver a cargar la página
error-internal = Algo salió mal en el servidor. Se ha avisado al equipo; vuelva a intentarlo más tarde.
error-csrf = Este formulario ha caducado o no procede de Passerelle. Vuelva atrás, recargue la página e inténtelo de nuevo.
error-json = El JSON enviado no es válido.
error-field-required = { $field }: este dato es obligatorio.
error-field-too-long = { $field }: es demasiado largo.
error-field-control-chars = { $field }: contiene caracteres que no se pueden guardar.
error-field-email = { $field }: no es una dirección de correo electrónico válida.
error-field-password-short = { $field }: use al menos 12 caracteres.
error-field-unknown-choice = { $field }: esta opción no existe.
error-field-team-not-in-agency = { $field }: este equipo pertenece a otra organización.
error-field-taken = { $field }: ya está en uso.
error-field-out-of-range = { $field }: este valor está fuera del rango permitido.
error-field-not-a-number = { $field }: introduzca un número.
error-field-mismatch = { $field }: las dos contraseñas no coinciden.
error-field-same-as-current = { $field }: elija una contraseña distinta de la actual.
error-field-wrong-password = { $field }: la contraseña no es correcta.
error-field-totp-wrong = { $field }: el código no es correcto o ha caducado.
error-field-keep-own-admin = { $field }: no puede quitarse su propio acceso de administrador·a ni desactivar su propia cuenta.

## Procedimientos operativos estándar
nav-sops = Procedimientos (POE)
sops-intro = Los procedimientos operativos estándar (POE) que sigue su organización. Cada caso registra la versión bajo la que se gestiona; publicar una nueva versión nunca modifica un caso en curso.
sops-publish = Publicar una nueva versión
sops-caption = Procedimientos vigentes
sops-title = Procedimiento
sops-area = Área de servicio
sops-version = Versión
sops-steps = Etapas
sops-published = Fecha de publicación
sops-handbook-version = Versión { $version }
sops-not-latest = esta no es la versión vigente.
sops-see-version = Ver la versión { $version }
sops-contents = Contenido
sops-versions = Versiones publicadas
sops-publish-intro = Pegue el archivo del POE (en TOML, como se describe en la guía del formato de los POE). Passerelle lo comprueba y le muestra qué cambiaría antes de publicar nada.
sops-problems = { $count ->
    [one] Un problema por corregir
   *[other] { $count } problemas por corregir
}
sops-line = Línea { $line }
sops-preview-of = Publicación de la versión { $version } de
sops-new-sop = Este es un procedimiento nuevo: no tiene ninguna versión anterior.
sops-publish-confirm = Publicar esta versión
sops-source = Archivo del POE
sops-source-hint = Cada problema se indica con su línea y su campo.
sops-check = Comprobar y previsualizar
sops-not-newer = El número de versión debe ser mayor que el de la versión vigente ({ $latest }).
sops-nothing-changed = Este texto es idéntico a la versión { $latest }: no hay nada que publicar.
sop-area-child-protection = Protección y cuidado de la infancia
sop-area-youth-at-risk = Jóvenes en situación de riesgo
sop-area-social-welfare = Bienestar y asistencia social
sop-area-gbv = Sobrevivientes de abuso y de violencia de género
sop-area-older-persons-care = Atención a personas mayores
sop-area-counter-trafficking = Víctimas de trata
sop-area-homelessness = Sinhogarismo y vivienda
sop-area-employment-integration = Inserción laboral de personas migrantes y refugiadas
sop-change-title-changed = Título modificado
sop-change-summary-changed = Resumen modificado
sop-change-service-area-changed = Área de servicio modificada
sop-change-role-added = Rol añadido
sop-change-role-removed = Rol eliminado
sop-change-step-added = Etapa añadida
sop-change-step-removed = Etapa eliminada
sop-change-step-moved = Etapa desplazada
sop-change-step-text-changed = Redacción de una etapa modificada
sop-change-step-phase-changed = Fase de una etapa modificada
sop-change-step-role-changed = Rol responsable de una etapa modificado
sop-change-deadline-anchor-changed = Punto de partida de un plazo modificado
sop-change-deadline-changed = Plazo modificado
sop-change-form-added = Formulario ahora obligatorio
sop-change-form-removed = Formulario ya no obligatorio
sop-change-approval-added = Aprobación ahora obligatoria
sop-change-approval-removed = Aprobación ya no obligatoria
sop-change-referral-added = Derivación obligatoria añadida
sop-change-referral-removed = Derivación obligatoria eliminada
sop-change-referral-changed = Derivación obligatoria modificada
sop-change-consent-changed = Consentimiento antes de compartir modificado
sop-error-syntax = El archivo no es TOML válido en este punto.
sop-error-missing-field = Falta este campo obligatorio.
sop-error-wrong-type = Este valor no tiene el tipo correcto.
sop-error-unknown-field = Este campo no forma parte del formato de los POE (revise la ortografía).
sop-error-empty-text = Este texto está vacío.
sop-error-invalid-id = Este identificador solo puede contener letras minúsculas, dígitos y guiones bajos.
sop-error-reserved-step-id = Este identificador de etapa está reservado.
sop-error-invalid-version = La versión debe ser un número entero igual o mayor que 1.
sop-error-unknown-role = Este rol no existe.
sop-error-role-not-declared = Este rol no figura entre los roles del POE.
sop-error-unknown-form = Este formulario no existe.
sop-error-unknown-service-area = Esta área de servicio no existe.
sop-error-unknown-referral-target = Este destino de derivación no es ni una necesidad ni un mecanismo conocido.
sop-error-unknown-phase = Esta fase no existe.
sop-error-unknown-risk-level = Este nivel de riesgo no existe (valores posibles: low, medium, high, critical).
sop-error-unknown-flag = Esta condición del caso no existe.
sop-error-unknown-step = Ninguna etapa tiene este identificador.
sop-error-duplicate-step = Dos etapas tienen este identificador.
sop-error-duplicate-entry = Este valor aparece dos veces.
sop-error-negative-deadline = Un plazo no puede ser negativo.
sop-error-invalid-deadline = Este plazo no es válido (escríbalo como 24h o 3d).
sop-error-no-previous-step = La primera etapa no tiene una etapa anterior desde la que contar.
sop-error-deadline-cycle = Estos plazos se cuentan unos a partir de otros en círculo.
sop-error-no-steps = El POE no tiene etapas.
sop-error-no-closure-step = El POE no tiene etapa de cierre.
sop-error-missing-closure-criteria = La etapa de cierre no tiene criterios de cierre.
sop-error-duplicate-sop = Otro archivo contiene el mismo POE con la misma versión.

## Formularios
nav-forms = Formularios
forms-intro = Los formularios que usan los procedimientos, escritos en XLSForm, tal como Passerelle los lee: cada pregunta, sus opciones y sus reglas.
forms-caption = Formularios en uso
forms-title = Formulario
forms-id = Identificador
forms-questions = Preguntas
forms-question = Pregunta
forms-name-type = Nombre y tipo
forms-choices = Opciones
forms-rules = Reglas
forms-required = Obligatoria si
forms-relevant = Se pregunta si
forms-constraint = Se acepta si
forms-calculation = Se calcula así

## Rellenar formularios
form-fill-start = Rellenar este formulario
form-fill-about = Acerca de este formulario
form-fill-other = Otro
form-fill-required = obligatorio
form-fill-remove = Quitar esta entrada
form-fill-add = Añadir: { $label }
form-fill-update = Mostrar las preguntas que corresponden
form-fill-save = Guardar las respuestas
form-fill-new-questions = Sus respuestas traen más preguntas. Ahora se muestran: revíselas y luego guarde.
form-fill-malformed = La página envió respuestas que no se pueden leer. Abra de nuevo el formulario.
form-answer-required = Esta respuesta es necesaria.
form-answer-constraint = Esta respuesta no se acepta.
form-answer-not-integer = Escriba un número entero, por ejemplo 12.
form-answer-not-decimal = Escriba un número, por ejemplo 12.5.
form-answer-not-date = Escriba una fecha, por ejemplo 2026-03-31.
form-answer-not-datetime = Escriba una fecha y una hora.
form-answer-not-time = Escriba una hora, por ejemplo 14:30.
form-answer-unknown-choice = Elija una de las opciones mostradas.
form-answer-not-acknowledged = Marque la casilla para confirmar.
form-answer-not-a-value = Esta respuesta no es un valor.
form-answer-not-a-list = Esta sección se envió de forma ilegible.
form-answer-not-an-object = Las respuestas se enviaron de forma ilegible.
form-answer-unknown-field = Esta pregunta no forma parte del formulario.
form-answer-repeat-count = El número de entradas no es el que espera el formulario.
form-answer-expression-error = Una regla del formulario no se pudo calcular para esta respuesta; avise al autor del formulario.
form-responses-title = Respuestas
form-responses-none = Todavía no hay respuestas que usted pueda ver.
form-responses-count = { $count ->
    [one] Una respuesta
   *[other] { $count } respuestas
}
form-responses-when = Enviada
form-responses-who = Por
form-responses-version = Versión del formulario
form-response-saved = Las respuestas están guardadas.
form-response-empty = No se respondió ninguna pregunta.
form-response-answers = Respuestas

## Publicar formularios
form-publish = Publicar una versión de formulario
form-publish-intro = Suba el formulario como libro XLSForm (.xlsx, con las hojas survey, choices y settings). Passerelle lo comprueba y muestra lo que cambia antes de publicar nada. La hoja settings debe indicar un form_id y una versión nueva: una versión publicada nunca cambia, y las respuestas conservan la versión con la que se introdujeron.
form-upload-label = Libro XLSForm (.xlsx)
form-upload-hint = El archivo tal como lo guarda su hoja de cálculo; 1 MB como máximo.
form-upload-check = Comprobar el formulario
form-upload-missing = Elija un archivo para subir.
form-upload-not-xlsx = «{ $name }» no es un libro .xlsx.
form-problems = { $count ->
    [one] Un problema que corregir en el libro
   *[other] { $count } problemas que corregir en el libro
}
form-preview-questions = { $count ->
    [one] Una pregunta
   *[other] { $count } preguntas
}
form-preview-new = Este formulario es nuevo: todavía no se usa ninguna versión.
form-preview-changes = Cambios respecto a la versión en uso
form-preview-no-question-change = Ninguna pregunta cambia (solo la versión y los ajustes).
form-preview-warnings = Omitido
form-publish-confirm = Publicar esta versión
form-published = Esta versión está publicada. Los formularios que se empiecen desde ahora la usan; las respuestas ya guardadas conservan su versión.
form-refused-no-version = La hoja settings no tiene versión: las respuestas no podrían decir qué versión siguen. Añada una columna version.
form-refused-version-taken = La versión { $version } de este formulario ya está publicada. Dé otra versión a la nueva.
form-change-added = pregunta nueva
form-change-removed = pregunta quitada
form-change-changed = cambiada: { $aspects }
form-aspect-type = tipo
form-aspect-label = etiqueta
form-aspect-hint = ayuda
form-aspect-required = obligatoria
form-aspect-relevant = cuándo se pregunta
form-aspect-constraint = respuestas aceptadas
form-aspect-calculation = cálculo
form-aspect-choices = opciones
form-aspect-default = respuesta por defecto
form-aspect-group = sección
form-error-unreadable = El archivo no se puede leer.
form-error-cell-error = Una celda contiene un error de hoja de cálculo.
form-error-missing-sheet = Falta una hoja.
form-error-missing-column = Falta una columna obligatoria.
form-error-unknown-column = Esta columna no forma parte de XLSForm.
form-error-unsupported-column = Passerelle no admite esta columna.
form-error-misplaced-column = Esta columna no tiene sentido en esta fila.
form-error-missing-type = La fila no tiene tipo.
form-error-unknown-type = Este tipo no forma parte de XLSForm.
form-error-unsupported-type = Passerelle no admite este tipo.
form-error-missing-name = La fila no tiene nombre.
form-error-bad-name = Este nombre no es válido.
form-error-duplicate-name = Este nombre se usa dos veces.
form-error-unmatched-end = Este final no tiene un comienzo que le corresponda.
form-error-unclosed-begin = Este grupo o repetición nunca se cierra.
form-error-select-without-list = Una pregunta de opciones necesita una lista de opciones.
form-error-unknown-choice-list = La lista de opciones no está en la hoja choices.
form-error-empty-choice-list = La lista de opciones no tiene opciones.
form-error-duplicate-choice = Una opción aparece dos veces en su lista.
form-error-bad-choice-name = Un nombre de opción no debe contener espacios.
form-error-missing-list-name = La opción no tiene nombre de lista.
form-error-missing-label = La fila no tiene etiqueta.
form-error-bad-boolean = Escriba yes o no.
form-error-bad-expression = La expresión no se puede leer.
form-error-unknown-reference = La expresión nombra una pregunta que no existe.
form-error-bare-name = Escriba la referencia a una pregunta como ${"{"}nombre{"}"}.
form-error-unknown-choice-column = La lista de opciones no tiene esa columna.
form-error-position-outside-repeat = position(..) solo funciona dentro de una repetición.
form-error-missing-calculation = Una fila calculate necesita un cálculo.
form-error-bad-default = La respuesta por defecto no es válida para este tipo.
form-error-missing-form-id = La hoja settings no tiene form_id.
form-error-unknown-setting = Este ajuste no forma parte de XLSForm.
form-error-extra-settings-row = La hoja settings tiene más de una fila de valores.
form-error-unknown-language = El idioma por defecto no es uno de los idiomas del formulario.

## Personas y casos
nav-people = Personas
nav-cases = Casos
restricted = restringido
people-search-label = Buscar a una persona
people-search-hint = Un nombre (las faltas, los acentos y el orden de los nombres no importan), un teléfono o un número de identidad.
people-search = Buscar
people-register = Registrar a una persona
people-register-anyway = Ninguna de estas: registrar a una persona nueva
people-none = No se encontró a nadie entre las personas que usted puede ver.
people-recent = Registradas recientemente
people-results-for = Personas que coinciden con «{ $q }»
people-duplicates-title = Puede que esta persona ya esté registrada
people-duplicates-intro = Revise estas fichas antes de registrar: abra una si es la misma persona. Si no, registre a una persona nueva abajo.
people-duplicate-likely = muy probablemente la misma
person-name = Nombre
person-given-names = Nombres
person-names-hint = Como la persona los dice o los escribe, en cualquier escritura.
person-family-names = Apellidos
person-other-names = Otros nombres y apodos
person-other-names-hint = Uno por línea: apodos, nombres anteriores, otras grafías.
person-sex = Sexo
sex-female = Femenino
sex-male = Masculino
sex-other = Otro
person-birth-date = Fecha de nacimiento
person-age-estimate = Edad estimada (años)
person-age-estimate-hint = Solo si no se conoce la fecha de nacimiento.
person-born-about = nacida/o hacia { $year }
person-birth-unknown = desconocida
person-nationality = Nacionalidad
person-migration-status = Situación migratoria
person-migration-status-hint = Lo que la persona declara; no pida pruebas.
migration-status-national = Nacional
migration-status-regular-migrant = Migrante en situación regular
migration-status-irregular-migrant = Migrante en situación irregular
migration-status-asylum-seeker = Solicitante de asilo
migration-status-refugee = Refugiada/o
migration-status-stateless = Apátrida
migration-status-unknown = Desconocida
person-languages = Idiomas
person-phone = Teléfono seguro
person-phone-hint = Solo un número al que llamar no ponga a nadie en peligro.
person-area = Zona
person-community = Comunidad
person-external-id = Número de identidad o de expediente
person-external-id-hint = El número que la persona tenía en otro sistema (ACNUR, identidad nacional, expediente anterior), para encontrarla de nuevo.
person-restricted = Ficha restringida
person-restricted-hint = Solo usted, su supervisor/a y las personas que usted nombre verán a esta persona (por ejemplo, sobrevivientes de violencia).
person-registered = Registrada
person-details = Datos
person-cases = Casos
person-no-case = Todavía no hay casos.
case-open = Abrir un caso
case-sop = Procedimiento
case-risk = Nivel de riesgo
case-restricted = Caso restringido
case-restricted-hint = Solo el/la trabajador/a social, su supervisor/a y las personas nombradas ven un caso restringido; cada consulta queda registrada.
case-status = Estado
case-status-open = Abierto
case-status-closed = Cerrado
cases-all = Todos
cases-mine = Solo mis casos
cases-overdue-only = Solo casos con pasos atrasados
cases-filter = Filtrar
cases-counts = Recuentos
cases-counted-at = Contados el { $time }.
cases-counted-again-after = { $count ->
    [one] Se vuelven a contar después de un minuto.
   *[other] Se vuelven a contar después de { $count } minutos.
}
cases-by-sop = Por procedimiento
cases-by-risk = Por nivel de riesgo
cases-by-status = Por estado
cases-none = Ningún caso coincide.
cases-count = { $count ->
    [one] Un caso
   *[other] { $count } casos
}
cases-count-page = { $count ->
    [one] Un caso en esta página
   *[other] { $count } casos en esta página
}
case-reference = Caso
case-assigned = Trabajador/a social
case-next-step = Próximo paso y plazo
case-overdue = Pasos atrasados
case-title = Caso { $reference }
case-summary = Resumen del caso
case-opened = Abierto
case-overdue-count = { $count ->
    [one] Un paso está atrasado.
   *[other] { $count } pasos están atrasados.
}
case-referrals = Derivaciones que exige el procedimiento
case-referral-consent = con el consentimiento de la persona
case-steps = Pasos
case-due = plazo { $due }
case-completed = hecho { $when }
case-step-done = hecho
case-step-done-late = hecho con retraso
case-step-waiting = espera el paso anterior
case-step-open = por hacer
case-step-overdue = atrasado
case-form-done = completado
case-form-read = Leer
case-form-missing = sin completar
case-approval-needed = Un/a supervisor/a debe aprobar este paso.
case-approval-request = Pedir la aprobación
case-approval-request-again = Pedir la aprobación de nuevo
case-approval-waiting = Aprobación pedida por { $who }, a la espera del/de la supervisor/a.
case-approval-approved = Aprobado
case-approval-rejected = Devuelto
case-approval-comment = Comentario (obligatorio para devolver)
case-approve = Aprobar
case-reject = Devolver
case-step-complete = Marcar este paso como hecho
case-block-closed = El caso está cerrado.
case-block-unknown-step = Este paso no está en el procedimiento.
case-block-done = Este paso está hecho.
case-block-forms = Falta completar: { $forms }.
case-block-approval = A la espera de la aprobación del/de la supervisor/a.
case-close = Cerrar el caso
case-closure-reason = Motivo del cierre
case-reopen = Reabrir el caso
case-notes = Notas del caso
case-note-new = Nota nueva
case-note-add = Añadir la nota
case-notes-none = Todavía no hay notas.
case-notes-all = Todas las notas, página por página
case-notes-title = Notas del caso { $reference }
case-back = Volver al caso
case-not-readable = Esta referencia de caso no se puede leer.
case-form-not-asked = Este formulario no lo pide el paso del caso, o el caso está cerrado.
case-step-blocked = Este paso aún no se puede hacer: faltan sus formularios o su aprobación.
case-approval-not-needed = Este paso no necesita aprobación, o ya se pidió o concedió.
case-decision-unknown = Elija aprobar o devolver.
matching-reason-name-agrees = nombre coincidente
matching-reason-name-differs = nombre distinto
matching-reason-name-missing = nombre en una sola ficha
matching-reason-names-transposed = nombre y apellido invertidos
matching-reason-alias-used = coincidencia por otro nombre
matching-reason-birth-date-same = misma fecha de nacimiento
matching-reason-birth-date-close = fecha de nacimiento cercana (error de escritura)
matching-reason-birth-year-close = año de nacimiento cercano
matching-reason-birth-date-differs = fecha de nacimiento distinta
matching-reason-birth-date-unknown = falta la fecha de nacimiento en una ficha
matching-reason-sex-same = mismo sexo
matching-reason-sex-differs = sexo distinto
matching-reason-nationality-same = misma nacionalidad
matching-reason-nationality-differs = nacionalidad distinta
matching-reason-phone-same = mismo teléfono
matching-reason-phone-differs = teléfono distinto
matching-reason-external-id-same = mismo número de identidad
matching-reason-external-id-differs = número de identidad distinto

case-consents = Consentimiento
case-consents-none = No hay consentimiento registrado.
consent-giver-person = La propia persona
consent-giver-parent-or-guardian = Un progenitor o el tutor legal
consent-giver-appointed-guardian = Un tutor o representante designado
consent-scope-registration = ser registrada
consent-scope-referral = las derivaciones a otros servicios
consent-scope-share-with-agencies = compartir información con entidades asociadas
consent-scope-share-with-authorities = compartir información con las autoridades
consent-scope-photos = las fotos
consent-scope-follow-up-contact = ser contactada para el seguimiento
case-consent-withdrawn = retirado { $when }
case-consent-withdraw = Registrar una retirada
case-consent-given-by = Quién da su consentimiento
case-consent-scope = Para qué
case-consent-notes = Notas (cómo se explicó, límites)
case-consent-record = Registrar el consentimiento
case-attachments = Archivos
case-attachments-none = No hay archivos adjuntos.
case-attachment-file = Añadir un archivo
case-attachment-hint = PDF, foto (JPEG, PNG), Word, Excel, OpenDocument o texto plano; 10 MB como máximo.
case-attachment-add = Adjuntar el archivo
case-move = Asignación y traspaso
case-transfer-line = Traspaso a { $agency }
case-transfer-status-pending = a la espera de respuesta
case-transfer-status-accepted = aceptado
case-transfer-status-declined = rechazado
case-reassign-to = Dar el caso a
case-reassign = Reasignar
case-transfer-to = Traspasar a otra entidad
case-transfer-reason = Por qué
case-transfer = Pedir el traspaso
case-transfer-refused = No se puede pedir el traspaso: ya hay uno esperando o el caso está cerrado.
cases-incoming = Traspasos a la espera para su equipo
cases-incoming-assignee = Trabajador/a social
cases-incoming-accept = Aceptar
cases-incoming-why = Motivo del rechazo
cases-incoming-decline = Rechazar
attachment-empty = El archivo está vacío.
attachment-kind = Este tipo de archivo no se acepta. Se aceptan: PDF, JPEG, PNG, Word, Excel, texto OpenDocument, texto plano.
attachment-no-storage = Este servidor no puede guardar archivos: pida al administrador que defina un directorio de datos.
people-duplicates-check = Buscar duplicados
people-duplicates-none = No hay posibles duplicados entre las personas que usted puede ver.
people-duplicates-merge-intro = Si una de estas fichas es la misma persona, fusiónela en esta: sus casos pasan aquí, la otra ficha se conserva como fusionada y la fusión se puede deshacer.
people-merge = Misma persona: fusionar en esta ficha
people-distinct = No es la misma persona
person-merged-into = Esta ficha se fusionó en otra.
person-merged-open = Abrir la ficha de la persona
person-merges = Fusiones
person-merge-line = { $name } fusionada en esta ficha
person-merge-undone = deshecha { $when }
person-merge-undo = Deshacer la fusión
person-address = Dirección
person-address-hint = Dónde encontrar a la persona sin peligro: calle, bloque del campamento, punto de referencia.
cases-unassessed = Casos de riesgo alto aún sin evaluar
## Formación y fortalecimiento de capacidades
nav-training = Formación
training-curricula = Programas de formación
training-curriculum = Programa de formación
training-no-curricula = Todavía no hay ningún programa.
training-new-curriculum = Nuevo programa
training-version = versión { $version }
training-completion-rule = { $count ->
    [0] Se completa con todos los módulos obligatorios.
    [one] Se completa con todos los módulos obligatorios y un módulo optativo.
   *[other] Se completa con todos los módulos obligatorios y { $count } módulos optativos.
}
training-modules-count = { $count ->
    [one] Un módulo
   *[other] { $count } módulos
}
training-module = Módulo
training-modules = Módulos
training-mandatory = Obligatorio
training-optional = Optativo
training-linked-sops = Procedimientos (POE)
training-objectives = Objetivos
training-outline = Contenido
training-new-module = Nuevo módulo
training-sessions = Sesiones de formación
training-no-sessions = No hay ninguna sesión prevista.
training-new-session = Nueva sesión
training-dates = Fechas
training-days = Días
training-seats = Plazas
training-seats-count = { $seated } de { $max } plazas ocupadas, { $waiting } en espera
training-minimum = mínimo { $min }
training-viability = ¿Se realizará?
training-viable = Hay suficientes participantes
training-under-minimum = { $missing ->
    [one] Falta una persona
   *[other] Faltan { $missing } personas
} para llegar al mínimo; { $days ->
    [0] la decisión de mantenerla se toma hoy.
    [one] la decisión de mantenerla se toma mañana.
   *[other] la decisión de mantenerla se toma dentro de { $days } días.
}
training-decision-overdue = { $missing ->
    [one] Falta una persona
   *[other] Faltan { $missing } personas
} para llegar al mínimo y la fecha de decisión ya pasó: decida ahora.
training-status-planned = Prevista
training-status-confirmed = Confirmada
training-status-held = Realizada
training-status-cancelled = Cancelada
training-mode-in-person = Presencial
training-mode-remote = A distancia
training-mode-blended = Mixta
training-cost-scenarios = Costes comparados
training-scenario-a = Primer número de participantes
training-scenario-b = Segundo número de participantes
training-compare = Comparar
training-total-for = { $count ->
    [one] Total para una persona
   *[other] Total para { $count }
}
training-per-participant-for = { $count ->
    [one] Por participante (una)
   *[other] Por participante ({ $count })
}
training-whole-curriculum = Programa completo
training-payer-default = Los costes sin pagador se cuentan a cargo del empleador.
training-payer-employer = A cargo del empleador
training-payer-ministry = A cargo del ministerio
training-payer-donor = A cargo del donante
training-cost-lines = Líneas de coste
training-no-costs = Todavía no hay ninguna línea de coste.
training-add-cost = Añadir la línea de coste
training-cost-kind-fixed = Fijo (una vez por sesión)
training-cost-kind-per-participant = Por participante
training-participants = Participantes
training-no-participants = Todavía no hay nadie inscrito.
training-seat = Plaza
training-seated = Tiene plaza
training-waiting = Lista de espera, número { $position }
training-nominated = Propuesto·a por una organización miembro
training-withdraw = Retirar
training-withdraw-who = Retirar a { $name }
training-nominate = Proponer a un miembro del personal
training-enrol = Inscribir
training-enrol-external = Inscribir a un·a profesional externo·a
training-sex-hint = Solo se pregunta a profesionales externos, para las cifras; las cuentas del personal no registran el sexo.
training-sex-female = Mujer
training-sex-male = Hombre
training-sex-other = Otro
training-sex-not-stated = Prefiere no decirlo
training-sex-not-recorded = No registrado (personal)
training-attendance = Asistencia
training-attendance-caption = Presencia cada día (los días por venir no se pueden marcar)
training-record-attendance = Guardar la asistencia
training-tests = Pruebas y evaluación
training-test-pre = Prueba inicial
training-test-post = Prueba final
training-test-evaluation = Evaluación
training-enter = Registrar
training-record-test = para { $name }
training-average-gain = Progreso medio: { $gain } puntos
training-tested = { $count ->
    [one] una persona hizo las dos pruebas
   *[other] { $count } personas hicieron las dos pruebas
}
training-no-gain = Nadie ha hecho todavía las dos pruebas.
training-certificates = Certificados
training-progress = Avance en el programa
training-no-progress = Nadie ha completado todavía un módulo de este programa.
training-modules-done = Módulos completados
training-complete = Programa completado
training-certificate = Certificado de formación
training-certified = Certificado emitido
training-issue-for = Emitir el certificado de { $name }
training-certificates-issued = Certificados emitidos
training-holder = Titular
training-code = Código de verificación
training-issued = Emitido el
training-revoked-on = Revocado el { $date }
training-revoke-for = Revocar el certificado de { $name }
training-print-hint = Imprima esta página, o guárdela en PDF desde el cuadro de impresión.
training-certifies-that = Se certifica que
training-has-completed = ha completado la formación
training-issued-on = Emitido el { $date }
training-verification-code = Código de verificación
training-qr-label = Código QR de la dirección de verificación
training-sops-title = Quién está formado en qué procedimiento
training-sops-intro = Para cada procedimiento (POE): el personal formado, y las organizaciones cuyo personal lo aplica sin estar todo formado. Una persona aplica un procedimiento cuando uno de sus roles figura en él.
training-own-agency-only = Solo se muestra el personal de su organización.
training-gaps-title = Personal que aplica este procedimiento sin formación en él
training-gap = { $untrained } de { $staff } sin formación
training-nobody-trained = Todavía nadie está formado en este procedimiento.
training-trained-on = Formados en: { $sop }
training-trained-date = Formado·a el
training-figures-title = Cifras de la formación
training-figures-trained = Personas formadas
training-figures-gain = Progreso medio (puntos)
training-figures-people = Personas
training-figures-by-agency = Personas formadas por organización
training-figures-by-role = Personas formadas por rol
training-figures-by-sex = Personas formadas por sexo
training-figures-by-module = Personas formadas por módulo
training-figures-costs = Coste por persona formada
training-figures-spent = Gastado en sesiones realizadas
training-figures-per-trained = Por persona formada
training-figures-download = Descargar las cifras (XLSX)
training-figures-note = Una persona está formada en un módulo cuando tuvo plaza en una sesión realizada de ese módulo y asistió todos los días. Los costes son los de las sesiones realizadas, para quienes tuvieron plaza.
certificate-verify-title = Verificar un certificado de formación
certificate-verify-intro = Escriba el código de verificación impreso en el certificado. Solo verá ese certificado: su titular, la formación y la fecha.
certificate-code-hint = 10 caracteres, por ejemplo 7KQ2M-X4D9P. Mayúsculas o minúsculas; el guion es opcional.
certificate-verify-action = Verificar
certificate-valid = Este certificado es válido.
certificate-unknown = Este código no es válido: ningún certificado lo lleva.
certificate-revoked = Este certificado fue revocado el { $date }. Ya no es válido.
certificate-empty-key = Falta la clave de los certificados.
certificate-wrong-length = Un código de verificación tiene 10 caracteres: compruebe que no falta ni sobra ninguno.
certificate-bad-character = Este código contiene un carácter que nunca se usa: revíselo.
certificate-bad-check = Este código tiene un error de escritura: revise cada carácter.
certificate-mismatch = Este código no pertenece a este certificado.
training-cost-unknown-currency = La moneda del programa es desconocida.
training-cost-currency-mismatch = No se pueden sumar importes en monedas distintas.
training-cost-zero-participants = Un coste necesita al menos una persona.
training-cost-negative-amount = Una línea de coste es negativa.
training-cost-overflow = Los importes son demasiado grandes.
training-cost-no-modules = Ningún módulo de este programa tiene costes todavía.
training-cost-no-cost-lines = Este módulo no tiene líneas de coste.
training-cost-no-shares = Las partes suman cero.
training-cost-duplicate-payer = Un pagador figura dos veces.
training-cost-no-payer = Una línea de coste no tiene pagador.
field-version = Versión
field-title-fr = Título en francés
field-title-en = Título en inglés
field-title-es = Título en español
field-objectives-fr = Objetivos en francés
field-objectives-en = Objetivos en inglés
field-objectives-es = Objetivos en español
field-outline-fr = Contenido en francés
field-outline-en = Contenido en inglés
field-outline-es = Contenido en español
field-currency = Moneda (código ISO, p. ej. EUR, XCD, MAD)
field-optional-required = Módulos optativos necesarios para completar
field-duration-hours = Duración (horas)
field-mode = Modalidad
field-prerequisites = Requisitos previos
field-audience = Público destinatario
field-trainers = Formadores·as
field-sop-ids = Procedimientos (POE) que enseña
field-need-codes = Necesidades a las que se refiere
field-label = Concepto
field-amount = Importe
field-amount-in = Importe en { $currency }
field-payer = Pagador
field-place = Lugar
field-trainer = Formador·a
field-min-participants = Número mínimo de participantes
field-max-participants = Número máximo de participantes
field-go-no-go = Fecha de decisión (AAAA-MM-DD)
field-days = Días (AAAA-MM-DD, uno por línea)
field-staff = Miembro del personal
field-user-id = Miembro del personal
field-organisation = Organización
field-job-role = Rol o cargo
field-sex = Sexo
field-reason = Motivo
field-session = Sesión
field-participant = Participante
field-participant-id = Participante
field-attendance = Asistencia
field-curriculum = Programa
field-a = Primer número de participantes
field-b = Segundo número de participantes
error-field-bad-code = { $field }: use solo letras, cifras, - y _.
error-field-unknown-currency = { $field }: Passerelle no conoce este código de moneda (p. ej. EUR, USD, XCD, MAD).
error-field-bad-amount = { $field }: indique un importe positivo con, como mucho, los decimales de la moneda, p. ej. 1250,50.
error-field-not-a-date = { $field }: escriba la fecha como AAAA-MM-DD.
error-field-too-many = { $field }: hay demasiados.
error-field-below-minimum = { $field }: el máximo es inferior al mínimo.
error-field-after-first-day = { $field }: la fecha de decisión debe ser anterior al primer día.
error-field-session-cancelled = { $field }: la sesión está cancelada.
error-field-not-started = { $field }: una sesión solo se realiza una vez llegado su primer día.
error-field-session-closed = { $field }: esta sesión está realizada o cancelada; la inscripción está cerrada.
error-field-not-seated = { $field }: solo las personas con plaza pueden marcarse como presentes.
error-field-unknown-day = { $field }: este día no pertenece a la sesión.
error-field-future-day = { $field }: nadie puede estar presente un día por venir.
error-field-not-completed = { $field }: todavía no ha completado el programa.
error-field-training-curriculum-not-enough-optional = { $field }: el programa pide más módulos optativos de los que tiene.
error-field-training-curriculum-mandatory-and-optional = { $field }: un módulo es a la vez obligatorio y optativo.
training-remove-cost = Quitar
training-remove-cost-line = Quitar «{ $label }»
case-members = También ven este caso
case-members-hint = Además de la persona a cargo y de la supervisión del equipo, solo las personas nombradas aquí ven este caso (un caso restringido queda oculto para todos los demás). Cada consulta queda en el registro de auditoría.
case-members-none = Nadie más.
case-members-remove = Quitar
case-members-add-who = Nombrar a un colega
case-members-add = Dar acceso
case-provided = Servicios prestados
case-provided-none = Ninguno registrado todavía.
case-provided-by-referral = mediante una derivación
case-provided-service = Servicio (del directorio)
case-provided-on = Día en que se prestó
case-provided-notes = Qué se prestó
case-provided-add = Registrar el servicio
services-find = Buscar otro servicio por su nombre
services-find-go = Buscar
services-near-hint = Las listas ofrecen los servicios de su organización y aquellos a los que este caso fue derivado o que su plan nombra; busque cualquier otro servicio del directorio por su nombre.
field-provided-on = Día en que se prestó
